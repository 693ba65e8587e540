"""Finding the faces of a frame: detect, align, measure pose and blur, embed when needed."""

from __future__ import annotations

import time

import numpy as np

from analysis.faces.detection import Box, Detection, box_iou
from analysis.faces.models import FaceModels, align_face
from analysis.faces.pose import blur_score, head_pose


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
