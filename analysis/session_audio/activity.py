"""Audio activity: intervals where the volume stays above a threshold, merged across short gaps.

Step 1: runs of consecutive volume points above ``volume`` (strictly) lasting more than
``duration_ms`` become regions; a run of n points at 5 ms steps spans ``n * 5`` ms, from the
start of its first point's step to the end of its last's. Step 2: consecutive regions whose gap
is less than ``merge_ms`` are merged into one. Each region keeps the volume at its first and
last point (``start_volume``, ``end_volume``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.session_audio.volume import STEP_MS


@dataclass(frozen=True)
class ActivityThresholds:
    """The tunable thresholds, with their defaults."""

    volume: float = 0.02
    duration_ms: float = 15.0
    merge_ms: float = 200.0

    def as_data(self) -> dict[str, float]:
        """As a result label's ``data.thresholds`` shows them (whole numbers as ints)."""
        return {
            "volume": self.volume,
            "duration_ms": _plain(self.duration_ms),
            "merge_ms": _plain(self.merge_ms),
        }


def _plain(value: float) -> float:
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class Region:
    """An active stretch on the session's clock."""

    start_ms: float
    end_ms: float
    start_volume: float
    end_volume: float


def active_runs(
    t_ms: np.ndarray, volume: np.ndarray, thresholds: ActivityThresholds
) -> list[Region]:
    """Step 1: runs above ``volume`` longer than ``duration_ms``."""
    above = np.asarray(volume) > thresholds.volume
    if not above.any():
        return []
    edges = np.diff(np.concatenate([[0], above.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    half = STEP_MS / 2.0
    regions = []
    for first, last in zip(starts, ends, strict=True):
        start_ms = float(t_ms[first]) - half
        end_ms = float(t_ms[last]) + half
        if end_ms - start_ms > thresholds.duration_ms:
            regions.append(Region(start_ms, end_ms, float(volume[first]), float(volume[last])))
    return regions


def merge_regions(regions: list[Region], merge_ms: float) -> list[Region]:
    """Step 2: join consecutive regions whose gap is less than ``merge_ms``."""
    merged: list[Region] = []
    for region in regions:
        if merged and region.start_ms - merged[-1].end_ms < merge_ms:
            last = merged[-1]
            merged[-1] = Region(last.start_ms, region.end_ms, last.start_volume, region.end_volume)
        else:
            merged.append(region)
    return merged


def find_activity(
    t_ms: np.ndarray, volume: np.ndarray, thresholds: ActivityThresholds
) -> list[Region]:
    """Both steps over one channel's volume series."""
    return merge_regions(active_runs(t_ms, volume, thresholds), thresholds.merge_ms)
