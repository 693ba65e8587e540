"""A 120x40 logo and frames with it planted at known places, scales and angles."""

from __future__ import annotations

import cv2
import numpy as np

LOGO_W, LOGO_H = 120, 40


def logo() -> np.ndarray:
    """A small app logo: a word and a badge on a red bar (BGR, 40 x 120)."""
    image = np.full((LOGO_H, LOGO_W, 3), (30, 40, 200), np.uint8)
    cv2.putText(image, "ACME", (8, 30), cv2.FONT_HERSHEY_DUPLEX, 1.0, (255, 255, 255), 2)
    cv2.circle(image, (105, 20), 12, (0, 220, 255), -1)
    cv2.rectangle(image, (96, 12), (112, 28), (20, 20, 20), 2)
    return image


def background(width: int, height: int, seed: int = 0) -> np.ndarray:
    """A smooth random texture: structure for the matchers, no copy of the logo."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 255, (height, width, 3)).astype(np.uint8)
    blurred = cv2.GaussianBlur(noise, (0, 0), 6)
    lo, hi = float(blurred.min()), float(blurred.max())
    return (40 + (blurred.astype(np.float32) - lo) * (160 / max(hi - lo, 1))).astype(np.uint8)


def plant(
    frame: np.ndarray, picture: np.ndarray, x: int, y: int, *, angle: float = 0, scale: float = 1
) -> tuple[int, int, int, int]:
    """Paste ``picture`` scaled and turned ``angle`` degrees about its centre, its unrotated
    top-left at ``(x, y)``; returns its box ``(x0, y0, x1, y1)`` before rotation."""
    h, w = picture.shape[:2]
    sw, sh = round(w * scale), round(h * scale)
    scaled = cv2.resize(picture, (sw, sh), interpolation=cv2.INTER_AREA if scale < 1 else
                        cv2.INTER_CUBIC)  # fmt: skip
    if angle == 0:
        frame[y : y + sh, x : x + sw] = scaled
        return x, y, x + sw, y + sh
    rotation = cv2.getRotationMatrix2D((x + sw / 2, y + sh / 2), angle, 1.0)
    canvas = np.zeros_like(frame)
    mask = np.zeros(frame.shape[:2], np.uint8)
    canvas[y : y + sh, x : x + sw] = scaled
    mask[y : y + sh, x : x + sw] = 255
    size = (frame.shape[1], frame.shape[0])
    turned = cv2.warpAffine(canvas, rotation, size, flags=cv2.INTER_LINEAR)
    turned_mask = cv2.warpAffine(mask, rotation, size, flags=cv2.INTER_NEAREST)
    frame[turned_mask > 0] = turned[turned_mask > 0]
    return x, y, x + sw, y + sh


def iou(a: tuple[int, int, int, int] | list[int], b: tuple[int, int, int, int]) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area if area else 0.0
