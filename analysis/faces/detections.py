"""Per-frame face detections: box, confidence, landmarks, pose, blur and embedding."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from analysis.faces.models import FaceModels, align_face
from analysis.faces.pose import blur_score, head_pose


@dataclass(frozen=True)
class Detection:
    frame: int
    det_idx: int  # order within the frame (detector order); interpolated rows use -trace_id
    x: float
    y: float
    w: float
    h: float
    confidence: float
    landmarks: np.ndarray  # (5, 2)
    yaw: float
    pitch: float
    roll: float
    blur: float | None = None
    embedding: np.ndarray | None = None
    interpolated: bool = False

    @property
    def quality(self) -> float:
        """Seed 004's pre-selection score: area x confidence."""
        return self.w * self.h * self.confidence

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


Box = tuple[float, float, float, float]


def box_iou(a: Box, b: Box) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


class EmbedScheduler:
    """Decides which faces need an embedding (the recogniser costs 2-3x the detector).

    A face that clearly continues exactly one face of the previous sampled frame (IoU ≥ 0.5,
    no other face near either of them) reuses that face's identity evidence, up to ``every``
    sampled frames in a row; new faces, ambiguous ones (two faces close together) and every
    ``every``-th frame of a continuing face are embedded. Deterministic for a given frame
    sequence, so a resumed run embeds exactly what an uninterrupted one does.
    """

    def __init__(self, every: int = 4) -> None:
        self.every = max(1, every)
        self.previous: list[tuple[Box, int]] = []  # box, sampled frames since its embedding

    def select(self, boxes: list[Box]) -> list[bool]:
        chosen: list[bool] = []
        ages: list[int] = []
        for i, box in enumerate(boxes):
            near_prev = [(box_iou(box, p), age) for p, age in self.previous]
            overlapping = [(iou, age) for iou, age in near_prev if iou > 0.1]
            crowded = any(box_iou(box, other) > 0.0 for j, other in enumerate(boxes) if j != i)
            reuse = (
                len(overlapping) == 1
                and overlapping[0][0] >= 0.5
                and overlapping[0][1] + 1 < self.every
                and not crowded
            )
            chosen.append(not reuse)
            ages.append(overlapping[0][1] + 1 if reuse else 0)
        self.previous = list(zip(boxes, ages, strict=True))
        return chosen


def detect_faces(
    models: FaceModels,
    frame_number: int,
    bgr: np.ndarray,
    *,
    min_size: float = 0.0,
    seconds: dict[str, float] | None = None,
    scheduler: EmbedScheduler | None = None,
) -> list[Detection]:
    """Detect, align, measure and embed the faces of one frame (``seconds`` adds up time)."""
    height, width = bgr.shape[:2]
    found: list[Detection] = []
    started = time.perf_counter()
    kept = []
    for raw in models.detector.detect(bgr):
        x, y, w, h = raw.box
        x0, y0 = max(0.0, x), max(0.0, y)
        w, h = min(float(width), x + w) - x0, min(float(height), y + h) - y0
        if w > 1 and h > 1 and min(w, h) >= min_size:
            kept.append((raw, (x0, y0, w, h)))
    embed = scheduler.select([box for _, box in kept]) if scheduler else [True] * len(kept)
    detected = time.perf_counter()
    for (raw, (x0, y0, w, h)), wanted in zip(kept, embed, strict=True):
        aligned = align_face(bgr, raw.landmarks)
        yaw, pitch, roll = head_pose(raw.landmarks)
        found.append(
            Detection(
                frame=frame_number,
                det_idx=len(found),
                x=x0,
                y=y0,
                w=w,
                h=h,
                confidence=raw.score,
                landmarks=raw.landmarks,
                yaw=yaw,
                pitch=pitch,
                roll=roll,
                blur=blur_score(aligned),
                embedding=models.recognizer.embed(aligned) if wanted else None,
            )
        )
    if seconds is not None:
        seconds["detect"] = seconds.get("detect", 0.0) + detected - started
        seconds["embed"] = seconds.get("embed", 0.0) + time.perf_counter() - detected
    return found
