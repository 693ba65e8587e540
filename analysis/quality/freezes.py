"""Screen freezing: spans where the picture does not change, found one frame at a time.

Every frame (none is skipped) is shrunk to ``scan_width`` pixels wide by area averaging and
compared with the first frame of the current still run: the mean absolute difference of their
luma, in 8-bit levels. While it stays at or under ``max_mean_diff`` the frame shows the same
picture and the run goes on; a larger difference ends the run and starts a new one at that
frame. A run that lasted at least ``min_freeze_ms`` is a freeze. This is FFmpeg's
``freezedetect`` filter (libavfilter/vf_freezedetect.c: mean absolute frame difference against
the first frozen frame, a noise tolerance and a minimum duration) on a shrunken picture:
comparing with the run's first frame, not the previous one, means a slow pan whose frame-to-
frame change is under the tolerance still ends the run once it has moved; area averaging
suppresses the coding noise a lossy encoder puts on repeated frames (a keyframe inside a freeze
re-codes the same picture) while a moving picture changes whole regions.

A freeze is reported as ``Interval(start_ms, end_ms, start_frame, end_frame)``: the frozen
picture is first shown at ``start_frame`` (time ``start_ms``), ``end_frame`` is the last frame
that still shows it, and ``end_ms`` is when the next, changed frame is shown. A freeze still
running when the frames end closes one frame duration after the last frame.

Defaults: 160 pixels wide (8x8 averaging on 720p), a tolerance of 1 level (in a limited range
of 219) and 300 ms; HeadSpin's screen-freezing examples start at 360 ms.
"""

from __future__ import annotations

import cv2
import numpy as np

from analysis.series import Interval

FREEZE_SCAN_WIDTH = 160
FREEZE_MAX_MEAN_DIFF = 1.0  # luma levels
MIN_FREEZE_MS = 300.0


def shrink_luma(luma: np.ndarray, width: int) -> np.ndarray:
    """The luma shrunk to ``width`` pixels wide by area averaging (unchanged if narrower)."""
    height, current = luma.shape[:2]
    if current <= width:
        return luma
    size = (width, max(1, round(height * width / current)))
    return np.asarray(cv2.resize(luma, size, interpolation=cv2.INTER_AREA))


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two same-shaped 8-bit pictures, in levels."""
    return float(cv2.mean(cv2.absdiff(a, b))[0])


class FreezeDetector:
    """Streaming freeze detection: ``add`` every frame in order, then ``finish``."""

    def __init__(
        self,
        frame_ms: float,
        *,
        scan_width: int = FREEZE_SCAN_WIDTH,
        max_mean_diff: float = FREEZE_MAX_MEAN_DIFF,
        min_freeze_ms: float = MIN_FREEZE_MS,
    ) -> None:
        self.frame_ms = frame_ms
        self.scan_width = scan_width
        self.max_mean_diff = max_mean_diff
        self.min_freeze_ms = min_freeze_ms
        self._freezes: list[Interval] = []
        self._reference: np.ndarray | None = None  # the run's first picture, shrunk
        self._start_frame = 0
        self._start_ms = 0.0
        self._last_frame = 0
        self._last_ms = 0.0

    def add(self, frame_number: int, t_ms: float, luma: np.ndarray) -> None:
        """Take the next frame in presentation order."""
        small = shrink_luma(luma, self.scan_width)
        reference = self._reference
        if (
            reference is None
            or reference.shape != small.shape
            or mean_abs_diff(small, reference) > self.max_mean_diff
        ):
            if reference is not None:
                self._close(t_ms)
            self._reference = small.copy()
            self._start_frame, self._start_ms = frame_number, t_ms
        self._last_frame, self._last_ms = frame_number, t_ms

    def finish(self) -> tuple[Interval, ...]:
        """The freezes found; a run still going closes one frame after the last frame."""
        if self._reference is not None:
            self._close(self._last_ms + self.frame_ms)
            self._reference = None
        return tuple(self._freezes)

    def _close(self, end_ms: float) -> None:
        if end_ms - self._start_ms >= self.min_freeze_ms - 1e-6:
            self._freezes.append(
                Interval(self._start_ms, end_ms, self._start_frame, self._last_frame)
            )
