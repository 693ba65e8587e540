"""Screen change: how much of the screen changed since the previous frame, per frame.

Definition. Each frame's luma (the decoder's Y plane, limited range 16-235, read without a colour
conversion) is reduced to a *working image*: box-averaged (OpenCV ``INTER_AREA``, in 2x steps
while the factor is even, each step rounding to a whole level) by the smallest integer factor
that brings the picture's long side to at most ``work_long_side`` pixels (480 by default: a
1080x1920 phone recording becomes 270x480, 1280x720 becomes 426x240, anything up to 480 px is
kept as it is); the last ``factor - 1`` rows and columns at most are dropped so the factor
divides the picture. A working pixel *changed* when its luma differs from the previous frame's
by more than ``noise_luma`` levels (10 by default); the frame's screen change is the percentage
of working pixels that changed, 0-100. A scan's first frame has no previous frame unless the
caller decodes one before the interval (the suite does), and then scores 0.

This is frame differencing with a noise threshold, the change measure behind video-capture web
performance metrics (WebPageTest's visual progress and "last visual change", P. Meenan,
https://docs.webpagetest.org/metrics/speedindex/) and classic change detection (R. J. Radke et
al., "Image change detection algorithms: a systematic survey", IEEE TIP 14(3), 2005: simple
differencing). Why downscale: box averaging divides independent coding noise by the factor (a
4x4 average by about 4) while an on-screen change of a few pixels or more survives, and every
per-pixel step costs 1/factor² as much; a change thinner than about one working pixel (a caret
or a one-pixel line at 4x) is diluted below the threshold and deliberately not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import cv2
import numpy as np

WORK_LONG_SIDE = 480
CHANGE_NOISE_LUMA = 10


@dataclass(frozen=True)
class ChangeParams:
    """Thresholds of the screen-change measure (shared by every analysis that diffs frames)."""

    noise_luma: int = CHANGE_NOISE_LUMA  # a working pixel changed when |ΔY| exceeds this
    work_long_side: int = WORK_LONG_SIDE  # the working image's long side is at most this

    def __post_init__(self) -> None:
        if not 0 <= self.noise_luma < 255:
            raise ValueError(f"noise_luma must be within 0-254, not {self.noise_luma}")
        if self.work_long_side < 16:
            raise ValueError(f"work_long_side must be at least 16, not {self.work_long_side}")


@dataclass(frozen=True)
class WorkScale:
    """How a picture of ``width`` x ``height`` becomes the working image."""

    factor: int
    width: int  # of the working image
    height: int

    @classmethod
    def for_picture(cls, width: int, height: int, long_side: int) -> WorkScale:
        factor = max(1, ceil(max(width, height) / long_side))
        return cls(factor, max(1, width // factor), max(1, height // factor))

    def apply(self, luma: np.ndarray) -> np.ndarray:
        """The working image of one luma plane (a new contiguous uint8 array)."""
        if self.factor == 1:
            return np.array(luma, np.uint8, copy=True)
        image = luma[: self.height * self.factor, : self.width * self.factor]
        factor = self.factor
        # halving first takes OpenCV's vectorised 2x area path (a 4x step in one call is ~10x
        # slower); each step rounds, so a working pixel can differ by one level from one step
        while factor > 1:
            step = 2 if factor % 2 == 0 else factor
            factor //= step
            size = (image.shape[1] // step, image.shape[0] // step)
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        return np.asarray(image)

    def to_picture(self, x: int) -> int:
        """A working-image coordinate (or exclusive end) in picture pixels."""
        return x * self.factor


def changed_mask(previous: np.ndarray, current: np.ndarray, noise_luma: int) -> np.ndarray:
    """Working pixels whose luma moved by more than ``noise_luma`` levels (bool array)."""
    return np.asarray(cv2.absdiff(previous, current)) > noise_luma


def changed_pct(mask: np.ndarray) -> float:
    """Percentage of the mask's pixels that are set."""
    return 100.0 * np.count_nonzero(mask) / mask.size
