"""One face found on one frame: box, confidence, landmarks, pose, blur and embedding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]


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
        """The representative face's pre-selection score: area x confidence."""
        return self.w * self.h * self.confidence

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


def box_iou(a: Box, b: Box) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0
