"""Loading animation issue: a spinner-like animation running on an otherwise still screen.

Definition, on the working images and changed-pixel masks of screen_change (change.py):

- *Per frame.* Changed pixels are counted per cell of ``cell_px`` x ``cell_px`` working
  pixels (8); a cell with fewer than ``min_cell_px`` (3) is coding noise and ignored (a
  keyframe that re-quantises a detailed page scatters single changed pixels over the whole
  screen). A frame without a moving cell is **still**. Otherwise the bounding box of the
  changed pixels in its moving cells makes its motion **confined** when it covers at most
  ``max_region_pct`` of the screen (5 % by default) and **broad** when it covers more.
- *Runs.* Confined frames, with still stretches of at most ``max_still_ms`` (200 ms) between
  them (an animation slower than the recording, repeated frames), and no broad frame; a run
  must last at least ``min_duration_ms`` (1000 ms), and the union of its boxes (the reported
  **region**) must itself cover at most ``max_region_pct``: motion in place, not a small object
  crossing the screen.
- *Periodicity.* A run is a loading animation when its motion repeats with a period of 2 frames
  to ``max_period_ms`` (1500 ms, and at most two thirds of the run), by either test:
  1. **the picture repeats**: ``D(L)``, the mean absolute luma difference between a frame and
     the frame ``L`` before it over the recent motion region, averaged over the run, falls at
     some lag to ``repeat_ratio`` (0.35) of its highest value at a shorter lag: the region
     diverged and came back (a rotating spinner, a pulsing dot). The period is the local
     minimum of ``D`` that follows.
  2. **the amount of change oscillates**: the autocorrelation of the run's changed-pixel count
     (mean removed; the biased sample estimate of G. E. P. Box and G. M. Jenkins, *Time
     Series Analysis*, 1970; lags up to half the run) rises back to
     ``autocorr_min`` (0.5) after having fallen to 0 or below (an arc that grows and shrinks).
     Counts whose standard deviation is under ``min_modulation`` (0.1) of their mean carry no
     rhythm and are not tested.
  Motion that does not repeat (a small video, typing, a progress bar filling) fails both.

The periodicity tests are the self-similarity method of R. Cutler and L. S. Davis, "Robust
real-time periodic motion detection, analysis, and applications", IEEE TPAMI 22(8), 2000
(a region's image compared with itself across lags; an autocorrelation of the similarity
signal), reduced to one region and one lag profile per run.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

from analysis.media.frame_scan import Box
from analysis.screen.change import WorkScale
from analysis.screen.intervals import fill_gaps, long_runs, run_interval
from analysis.series import Interval

MAX_REGION_PCT = 5.0
CELL_PX = 8
MIN_CELL_PX = 3
ANIMATION_MIN_DURATION_MS = 1000.0
MAX_STILL_MS = 200.0
MAX_PERIOD_MS = 1500.0
REPEAT_RATIO = 0.35
AUTOCORR_MIN = 0.5
MIN_MODULATION = 0.1

_STILL, _CONFINED, _BROAD = 0, 1, 2

Region = tuple[int, int, int, int]  # x0, y0, x1, y1 in working pixels, ends exclusive


@dataclass(frozen=True)
class LoadingAnimationParams:
    """Thresholds of the loading-animation issue."""

    max_region_pct: float = MAX_REGION_PCT  # the animated region covers at most this
    cell_px: int = CELL_PX  # changed pixels are counted per cell of this side (working px)
    min_cell_px: int = MIN_CELL_PX  # a cell with fewer changed pixels is noise
    min_duration_ms: float = ANIMATION_MIN_DURATION_MS  # shortest issue
    max_still_ms: float = MAX_STILL_MS  # longest pause inside one animation
    max_period_ms: float = MAX_PERIOD_MS  # longest period looked for
    repeat_ratio: float = REPEAT_RATIO  # D(L) / earlier peak at or below this: it repeats
    autocorr_min: float = AUTOCORR_MIN  # change-count autocorrelation peak at or above this
    min_modulation: float = MIN_MODULATION  # change count's std / mean below this: no rhythm

    def __post_init__(self) -> None:
        if self.cell_px < 1 or self.min_cell_px < 1:
            raise ValueError("cell_px and min_cell_px must be at least 1")
        if not 0 < self.max_region_pct <= 100:
            raise ValueError(f"max_region_pct must be within (0, 100], not {self.max_region_pct}")
        if self.max_period_ms <= 0:
            raise ValueError(f"max_period_ms must be positive, not {self.max_period_ms}")


@dataclass(frozen=True)
class LoadingAnimation:
    """One loading animation: when, where on the picture, and how often it repeats."""

    interval: Interval
    region: Box  # in the picture's pixels (the full frame, not the scan's box)
    period_ms: float


def motion_box(mask: np.ndarray, cell_px: int, min_cell_px: int) -> tuple[int, Region | None]:
    """Changed pixels in the mask's moving cells, and their bounding box (None: no motion)."""
    if not mask.any():
        return 0, None
    height, width = mask.shape
    # cell sums from the summed-area table, corners taken every cell_px (partial edge cells too)
    table = cv2.integral(mask.view(np.uint8))
    corners = table[np.ix_(np.r_[0:height:cell_px, height], np.r_[0:width:cell_px, width])]
    counts = corners[1:, 1:] - corners[:-1, 1:] - corners[1:, :-1] + corners[:-1, :-1]
    moving = counts >= min_cell_px
    if not moving.any():
        return 0, None
    cell_rows, cell_cols = np.flatnonzero(moving.any(axis=1)), np.flatnonzero(moving.any(axis=0))
    y0, x0 = int(cell_rows[0]) * cell_px, int(cell_cols[0]) * cell_px
    inner = mask[y0 : (int(cell_rows[-1]) + 1) * cell_px, x0 : (int(cell_cols[-1]) + 1) * cell_px]
    ys, xs = np.flatnonzero(inner.any(axis=1)), np.flatnonzero(inner.any(axis=0))
    box = (x0 + int(xs[0]), y0 + int(ys[0]), x0 + int(xs[-1]) + 1, y0 + int(ys[-1]) + 1)
    return int(counts[moving].sum()), box


def _area(region: Region) -> int:
    return (region[2] - region[0]) * (region[3] - region[1])


def _union(regions: list[Region]) -> Region:
    x0, y0, x1, y1 = zip(*regions, strict=True)
    return min(x0), min(y0), max(x1), max(y1)


def repeat_period(profiles: np.ndarray, offsets: np.ndarray, ratio: float) -> int | None:
    """Test 1: the first lag whose mean difference returns to ``ratio`` of an earlier peak.

    ``profiles[k, L - 1]`` is frame k's difference from the frame L before it, ``offsets[k]``
    its position in the run (a lag counts only within the run).
    """
    lags = np.arange(1, profiles.shape[1] + 1)
    valid = (offsets[:, None] >= lags[None, :]) & ~np.isnan(profiles)
    counts = valid.sum(axis=0)
    sums = np.where(valid, profiles, 0.0).sum(axis=0)
    mean = np.where(counts >= 3, sums / np.maximum(counts, 1), np.nan)
    for lag in range(2, len(mean) + 1):
        earlier = mean[: lag - 1]
        if np.isnan(mean[lag - 1]) or np.all(np.isnan(earlier)):
            continue
        if mean[lag - 1] <= ratio * np.nanmax(earlier):
            while lag < len(mean) and mean[lag] < mean[lag - 1]:
                lag += 1
            return lag
    return None


def oscillation_period(
    counts: np.ndarray, max_lag: int, autocorr_min: float, min_modulation: float = MIN_MODULATION
) -> int | None:
    """Test 2: the lag where the change count's autocorrelation peaks again after a zero."""
    signal = counts.astype(np.float64)
    mean = signal.mean()
    if mean <= 0 or signal.std() < min_modulation * mean:
        return None
    centred = signal - mean
    energy = float(np.sum(centred * centred))
    max_lag = min(max_lag, len(signal) // 2)
    # the biased estimate (sums over the overlap divided by the whole run's energy): it does not
    # let a long lag, averaged over a few pairs, look correlated by chance
    r = np.array([np.sum(centred[lag:] * centred[:-lag]) / energy for lag in range(1, max_lag + 1)])
    dropped = np.flatnonzero(r <= 0)
    if len(dropped) == 0:
        return None
    after = r[dropped[0] :]
    best = int(np.argmax(after))
    return int(dropped[0] + best + 1) if after[best] >= autocorr_min else None


class LoadingAnimationScanner:
    """Collects per-frame motion features during a scan; ``finish`` finds the animations."""

    def __init__(
        self, fps: float, params: LoadingAnimationParams, scale: WorkScale, origin: tuple[int, int]
    ) -> None:
        self._fps = fps
        self._params = params
        self._scale = scale
        self._origin = origin
        pixels = scale.width * scale.height
        self._max_area = pixels * params.max_region_pct / 100.0
        self._lags = max(2, round(params.max_period_ms * fps / 1000.0))
        self._previous: deque[np.ndarray] = deque(maxlen=self._lags)
        self._recent: deque[Region | None] = deque(maxlen=self._lags)
        self._numbers: list[int] = []
        self._t_ms: list[float] = []
        self._motion: list[int] = []
        self._kinds: list[int] = []
        self._boxes: dict[int, Region] = {}
        self._profiles: dict[int, np.ndarray] = {}

    def add(self, number: int, t_ms: float, work: np.ndarray, mask: np.ndarray | None) -> None:
        """Takes the next frame's working image and its changed-pixel mask (None: no previous)."""
        index = len(self._numbers)
        motion, box = 0, None
        if mask is not None:
            motion, box = motion_box(mask, self._params.cell_px, self._params.min_cell_px)
        kind = _STILL
        if box is not None:
            kind = _CONFINED if _area(box) <= self._max_area else _BROAD
        if kind == _CONFINED and box is not None:
            self._boxes[index] = box
            self._profiles[index] = self._lag_profile(work, box)
        self._numbers.append(number)
        self._t_ms.append(t_ms)
        self._motion.append(motion)
        self._kinds.append(kind)
        self._recent.append(box if kind == _CONFINED else None)
        self._previous.append(work)

    def _lag_profile(self, work: np.ndarray, box: Region) -> np.ndarray:
        """Mean |ΔY| between this frame and each of the previous ``lags`` frames, over the
        region that moved lately (NaN where there is no such frame)."""
        region = _union([box, *(r for r in self._recent if r is not None)])
        x0, y0, x1, y1 = region if _area(region) <= self._max_area else box
        current = work[y0:y1, x0:x1].astype(np.int16)
        before = np.stack([f[y0:y1, x0:x1] for f in reversed(self._previous)]).astype(np.int16)
        profile = np.full(self._lags, np.nan, np.float32)
        profile[: len(before)] = np.abs(before - current).mean(axis=(1, 2))
        return profile

    def finish(self, end_ms: float, last_frame: int) -> tuple[LoadingAnimation, ...]:
        """The loading animations of the scan; ``end_ms``/``last_frame`` close its last frame."""
        kinds = np.array(self._kinds, np.int8)
        t_ms = np.array(self._t_ms, np.float64)
        numbers = np.array(self._numbers, np.int64)
        max_gap = int(self._params.max_still_ms * self._fps / 1000.0 + 1e-9)
        active = fill_gaps(kinds == _CONFINED, max_gap) & (kinds != _BROAD)
        runs = long_runs(active, t_ms, end_ms=end_ms, min_duration_ms=self._params.min_duration_ms)
        found = []
        for run in runs:
            first, last = int(run[0]), int(run[1])
            boxes = [self._boxes[i] for i in range(first, last + 1) if i in self._boxes]
            region = _union(boxes)
            if _area(region) > self._max_area:
                continue
            period = self._period(first, last)
            if period is None:
                continue
            interval = run_interval(run, t_ms, numbers, end_ms=end_ms, last_frame=last_frame)
            found.append(
                LoadingAnimation(interval, self._picture_box(region), period * 1000.0 / self._fps)
            )
        return tuple(found)

    def _period(self, first: int, last: int) -> int | None:
        max_lag = min(self._lags, (last - first + 1) * 2 // 3)
        if max_lag < 2:
            return None
        indices = [i for i in range(first, last + 1) if i in self._profiles]
        profiles = np.stack([self._profiles[i][:max_lag] for i in indices])
        period = repeat_period(profiles, np.array(indices) - first, self._params.repeat_ratio)
        if period is None:
            counts = np.array(self._motion[first : last + 1])
            params = self._params
            period = oscillation_period(counts, max_lag, params.autocorr_min, params.min_modulation)
        return period

    def _picture_box(self, region: Region) -> Box:
        ox, oy = self._origin
        x0, y0, x1, y1 = (self._scale.to_picture(v) for v in region)
        return Box(x0 + ox, y0 + oy, x1 + ox, y1 + oy)
