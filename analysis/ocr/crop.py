"""The crop OCR reads: the box, turned upright for landscape, then resized; and when it changed.

:func:`upright` is the picture a user checks on the keyframe screenshot (the crop as OCR sees it
before resizing): a landscape capture on a portrait recording shows its text running bottom to
top, so ``landscape`` turns the crop a quarter turn clockwise. :func:`resized` scales it to
``target_height`` (width in proportion) for small text.

"Changed": OCR runs again only when the crop differs from the crop it last read. Video coding
leaves small differences between frames of a still picture, so a crop counts as changed when more
than :func:`changed_pixel_limit` of its pixels differ by more than
:data:`CHANGED_GREY_LEVELS` grey levels from the last crop read. Comparing against the last crop
*read*, not the previous frame, means a slow fade still triggers a new read once it has gone far
enough.
"""

from __future__ import annotations

import cv2
import numpy as np

CHANGED_GREY_LEVELS = 40  # coding noise on still text stays well below this
CHANGED_MIN_PIXELS = 8
CHANGED_SHARE = 1 / 2000  # one changed glyph of a 50-pixel line is a few hundred pixels


def upright(crop_bgr: np.ndarray, landscape: bool) -> np.ndarray:
    """The crop as OCR reads it before resizing: turned a quarter clockwise for landscape."""
    return cv2.rotate(crop_bgr, cv2.ROTATE_90_CLOCKWISE) if landscape else crop_bgr


def resized(image: np.ndarray, target_height: int | None) -> np.ndarray:
    """``image`` scaled to ``target_height`` rows (cubic when enlarging), unchanged for None."""
    if target_height is None or image.shape[0] == target_height:
        return image
    scale = target_height / image.shape[0]
    width = max(1, round(image.shape[1] * scale))
    method = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    return cv2.resize(image, (width, target_height), interpolation=method)


def changed_pixel_limit(shape: tuple[int, ...]) -> int:
    """How many pixels may differ before a crop counts as changed."""
    return max(CHANGED_MIN_PIXELS, int(shape[0] * shape[1] * CHANGED_SHARE))


def has_changed(last_read: np.ndarray | None, current: np.ndarray) -> bool:
    """Whether the grey crop ``current`` differs from ``last_read`` (see the module's rule)."""
    if last_read is None or last_read.shape != current.shape:
        return True
    differing = int(np.count_nonzero(cv2.absdiff(last_read, current) > CHANGED_GREY_LEVELS))
    return differing > changed_pixel_limit(current.shape)
