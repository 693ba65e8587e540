"""Runs of a per-point condition → intervals on the session's clock.

Every screen detector ends with the same step: a boolean per point (a frame, or a sample taken
every few frames) → the maximal runs where it holds → those that last at least a minimum
duration. A point stands for the span from its own time to the next point's time, so a run of
points ``i..j`` covers ``[t_i, t_{j+1})`` and, in frames, ``frame_i .. frame_{j+1} - 1``. After
the last point the caller closes the span: for a scan, the time the next frame would be shown
and the last frame decoded; for a series, its last time plus its usual spacing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.series import Interval

# Float tolerance on durations: times come from timestamps times time bases.
_EPS_MS = 1e-6


@dataclass(frozen=True)
class TimeSpan:
    """An interval ``[start_ms, end_ms)`` of a series whose points carry no frame numbers."""

    start_ms: float
    end_ms: float


def true_runs(flags: np.ndarray) -> np.ndarray:
    """``(k, 2)`` int array: first and last index (inclusive) of each run of True in ``flags``."""
    padded = np.concatenate([[False], np.asarray(flags, bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return (edges.reshape(-1, 2) - np.array([0, 1])).astype(np.int64)


def fill_gaps(flags: np.ndarray, max_gap: int) -> np.ndarray:
    """``flags`` with each run of at most ``max_gap`` False points between two True points set."""
    filled = np.asarray(flags, bool).copy()
    for first, last in true_runs(~filled):
        if first > 0 and last < len(filled) - 1 and last - first + 1 <= max_gap:
            filled[first : last + 1] = True
    return filled


def span_ends(runs: np.ndarray, t_ms: np.ndarray, end_ms: float) -> np.ndarray:
    """End time of each run: the next point's time, or ``end_ms`` after the last point."""
    following = runs[:, 1] + 1
    return np.where(following < len(t_ms), t_ms[np.minimum(following, len(t_ms) - 1)], end_ms)


def long_runs(
    flags: np.ndarray, t_ms: np.ndarray, *, end_ms: float, min_duration_ms: float
) -> np.ndarray:
    """The runs of ``true_runs(flags)`` that last at least ``min_duration_ms``."""
    runs = true_runs(flags)
    if len(runs) == 0:
        return runs
    durations = span_ends(runs, t_ms, end_ms) - t_ms[runs[:, 0]]
    return runs[durations >= min_duration_ms - _EPS_MS]


def frame_intervals(
    flags: np.ndarray,
    t_ms: np.ndarray,
    frames: np.ndarray,
    *,
    end_ms: float,
    last_frame: int,
    min_duration_ms: float,
) -> tuple[Interval, ...]:
    """Intervals where ``flags`` holds for at least ``min_duration_ms``.

    ``t_ms`` and ``frames`` give each point's time and frame number; ``end_ms`` and
    ``last_frame`` close the span of the last point.
    """
    runs = long_runs(flags, t_ms, end_ms=end_ms, min_duration_ms=min_duration_ms)
    return tuple(
        run_interval(run, t_ms, frames, end_ms=end_ms, last_frame=last_frame) for run in runs
    )


def run_interval(
    run: np.ndarray, t_ms: np.ndarray, frames: np.ndarray, *, end_ms: float, last_frame: int
) -> Interval:
    """The interval one run of points ``[first, last]`` covers."""
    first, last = int(run[0]), int(run[1])
    if last + 1 < len(t_ms):
        return Interval(
            float(t_ms[first]), float(t_ms[last + 1]), int(frames[first]), int(frames[last + 1]) - 1
        )
    return Interval(float(t_ms[first]), float(end_ms), int(frames[first]), int(last_frame))


def time_spans(
    flags: np.ndarray, t_ms: np.ndarray, *, end_ms: float, min_duration_ms: float
) -> tuple[TimeSpan, ...]:
    """Spans where ``flags`` holds for at least ``min_duration_ms`` (points without frames)."""
    runs = long_runs(flags, t_ms, end_ms=end_ms, min_duration_ms=min_duration_ms)
    ends = span_ends(runs, t_ms, end_ms)
    return tuple(
        TimeSpan(float(t_ms[first]), float(end)) for (first, _), end in zip(runs, ends, strict=True)
    )
