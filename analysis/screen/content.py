"""Page content: how much of the screen carries content, sampled ``sample_hz`` times a second.

Definition. The working image (screen_change's: luma box-averaged so the long side is at most
480 px, see change.py) is cut into square blocks of ``block_px`` working pixels (8 by default,
32 px of a 1080x1920 recording: about one line of body text; partial blocks at the right and
bottom edges are left out). A block *carries content* when the standard deviation of its luma
exceeds ``std_luma`` levels (4 by default, limited-range Y). Page content is the percentage of
blocks that carry content, 0-100: a blank or uniformly coloured screen scores about 0, a page of
text, images or controls scores high. A flat fill (a banner, a big button's face) is uniform
inside and counts only along its edges: it is layout, not content.

Block variance as a measure of "something is drawn here" is the spatial-activity measure of
video coding: MPEG-2 Test Model 5 (ISO/IEC JTC1/SC29/WG11 N0400, 1993, rate control step 3)
rates each 8x8 block by its luma variance, and x264's adaptive quantisation does the same. It
needs no model and does not depend on the background colour. Box averaging to the working scale
keeps text (strokes become grey texture with a high local deviation) while compression noise in
flat areas averages out.

Sampling. The first frame shown at or after each sample time ``start_ms + k / sample_hz`` is
measured; a frame that covers several sample times (a recording slower than ``sample_hz``)
is measured once, so the rate is at most the frame rate.

Low page content issue. The runs of samples whose page content stays below ``low_content_pct``
(10 % by default) for at least ``min_duration_ms`` (1000 ms by default); a sample stands until
the next one, so intervals are exact to a sample (analysis/screen/intervals.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from analysis.screen.intervals import frame_intervals
from analysis.series import Interval

CONTENT_BLOCK_PX = 8
CONTENT_STD_LUMA = 4.0
CONTENT_SAMPLE_HZ = 10.0
LOW_CONTENT_PCT = 10.0
LOW_CONTENT_MIN_MS = 1000.0


@dataclass(frozen=True)
class ContentParams:
    """Thresholds of page content and of the low-page-content issue."""

    block_px: int = CONTENT_BLOCK_PX  # block side, in working pixels
    std_luma: float = CONTENT_STD_LUMA  # a block carries content above this luma deviation
    sample_hz: float = CONTENT_SAMPLE_HZ  # page-content samples per second
    low_content_pct: float = LOW_CONTENT_PCT  # below this the page counts as (nearly) empty
    min_duration_ms: float = LOW_CONTENT_MIN_MS  # shortest low-content issue

    def __post_init__(self) -> None:
        if self.block_px < 2:
            raise ValueError(f"block_px must be at least 2, not {self.block_px}")
        if self.sample_hz <= 0:
            raise ValueError(f"sample_hz must be positive, not {self.sample_hz}")


def content_pct(work: np.ndarray, block_px: int, std_luma: float) -> float:
    """Percentage of ``block_px`` blocks of a working image whose luma deviation exceeds
    ``std_luma`` (0 for an image smaller than one block)."""
    rows, cols = work.shape[0] // block_px, work.shape[1] // block_px
    if rows == 0 or cols == 0:
        return 0.0
    # block sums of Y and Y² from the summed-area tables, read at every block_px-th corner
    picture = work[: rows * block_px, : cols * block_px]
    total, squares = cv2.integral2(picture, sdepth=cv2.CV_32S, sqdepth=cv2.CV_64F)
    corners = np.ix_(np.arange(rows + 1) * block_px, np.arange(cols + 1) * block_px)
    n = float(block_px * block_px)
    mean = _block_sums(total[corners]) / n
    variance = _block_sums(squares[corners]) / n - mean * mean
    return 100.0 * np.count_nonzero(variance > std_luma * std_luma) / variance.size


def _block_sums(corners: np.ndarray) -> np.ndarray:
    return corners[1:, 1:] - corners[:-1, 1:] - corners[1:, :-1] + corners[:-1, :-1]


class ContentSampler:
    """Picks the frames page content is measured on: the first at or after each sample time."""

    def __init__(self, start_ms: float, sample_hz: float) -> None:
        self._start_ms = start_ms
        self._period_ms = 1000.0 / sample_hz
        self._next_ms = start_ms

    def due(self, t_ms: float) -> bool:
        """Whether the frame shown at ``t_ms`` is a sample (call once per frame, in order)."""
        if t_ms < self._next_ms - 1e-6:
            return False
        elapsed = int((t_ms - self._start_ms) / self._period_ms + 1e-9)
        self._next_ms = self._start_ms + (elapsed + 1) * self._period_ms
        return True


def low_content_intervals(
    t_ms: np.ndarray,
    values: np.ndarray,
    frames: np.ndarray,
    *,
    end_ms: float,
    last_frame: int,
    params: ContentParams,
) -> tuple[Interval, ...]:
    """Where sampled page content stays below ``low_content_pct`` for ``min_duration_ms``.

    ``end_ms`` and ``last_frame`` close the last sample's span (the scan's end).
    """
    return frame_intervals(
        values < params.low_content_pct,
        t_ms,
        frames,
        end_ms=end_ms,
        last_frame=last_frame,
        min_duration_ms=params.min_duration_ms,
    )
