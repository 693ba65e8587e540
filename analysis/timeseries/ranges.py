"""The ``range`` method: the spans of a series whose values lie between two limits.

A series is a step function: the sample at ``t[i]`` holds its value over ``[t[i], t[i+1])``,
and a request interval ``[start, end)`` starts with the sample at or before ``start`` (its value
is the one in force there). The series' very last sample holds for one sampling step (the
median gap between its samples; until the request's end for a one-sample series), so a series
that stops does not extend forever. Samples that share a time keep the last one.

Consecutive samples inside the limits form one interval; intervals shorter than
``duration_threshold_ms`` are discarded first, then neighbours whose gap is at most
``merge_threshold_ms`` are merged — in that order, as HeadSpin-compatible clients expect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RangeParams:
    """The limits of a ``range`` request; at least one limit, and a non-empty range."""

    lower_limit: float | None = None
    upper_limit: float | None = None
    include_lower_limit: bool = True
    include_upper_limit: bool = False
    duration_threshold_ms: float = 0.0
    merge_threshold_ms: float = 0.0

    def __post_init__(self) -> None:
        lo, hi = self.lower_limit, self.upper_limit
        if lo is None and hi is None:
            raise ValueError("give lower_limit, upper_limit or both")
        for name in ("lower_limit", "upper_limit"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number")
        if lo is not None and hi is not None:
            if lo > hi or (
                lo == hi and not (self.include_lower_limit and self.include_upper_limit)
            ):
                raise ValueError(
                    f"lower_limit {lo:g} and upper_limit {hi:g} leave no value in range"
                )
        for name in ("duration_threshold_ms", "merge_threshold_ms"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a non-negative number of ms")

    def inside(self, values: np.ndarray) -> np.ndarray:
        """Which values satisfy the limits (NaN never does)."""
        ok = ~np.isnan(values)
        if self.lower_limit is not None:
            lo = self.lower_limit
            ok &= values >= lo if self.include_lower_limit else values > lo
        if self.upper_limit is not None:
            hi = self.upper_limit
            ok &= values <= hi if self.include_upper_limit else values < hi
        return ok


Spans = list[tuple[float, float]]


def last_sample_end(t_ms: np.ndarray) -> float:
    """Where a series' last sample stops holding: one median step after it (inf for one)."""
    t = np.unique(np.asarray(t_ms, dtype=np.float64))
    if len(t) < 2:
        return float("inf")
    return float(t[-1] + np.median(np.diff(t)))


def step_segments(
    t_ms: np.ndarray,
    values: np.ndarray,
    start_ms: float,
    end_ms: float,
    last_end_ms: float = float("inf"),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The samples in force over ``[start_ms, end_ms)``: each one's segment start, end, value.

    ``t_ms`` ascending. A sample at the same time as the next one is superseded by it. The
    last of ``t_ms`` holds until ``last_end_ms`` (inf: the series goes on past the request).
    """
    t = np.asarray(t_ms, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if len(t):
        keep = np.ones(len(t), dtype=bool)
        keep[:-1] = t[1:] != t[:-1]  # the last sample of equal times wins
        t, v = t[keep], v[keep]
    first = max(int(np.searchsorted(t, start_ms, side="right")) - 1, 0)
    last = int(np.searchsorted(t, end_ms, side="left"))
    t, v = t[first:last], v[first:last]
    seg_start = np.maximum(t, start_ms)
    seg_end = np.empty_like(t)
    seg_end[:-1] = t[1:]
    if len(t):
        seg_end[-1] = last_end_ms
    seg_end = np.minimum(seg_end, end_ms)
    return seg_start, seg_end, v


def raw_intervals(
    t_ms: np.ndarray,
    values: np.ndarray,
    start_ms: float,
    end_ms: float,
    params: RangeParams,
    last_end_ms: float = float("inf"),
) -> Spans:
    """Maximal runs of consecutive in-range samples over ``[start_ms, end_ms)``."""
    seg_start, seg_end, v = step_segments(t_ms, values, start_ms, end_ms, last_end_ms)
    inside = params.inside(v) & (seg_end > seg_start)
    if not inside.any():
        return []
    edges = np.diff(np.concatenate(([0], inside.astype(np.int8), [0])))
    run_first = np.flatnonzero(edges == 1)
    run_last = np.flatnonzero(edges == -1) - 1
    return [
        (float(seg_start[a]), float(seg_end[b]))
        for a, b in zip(run_first.tolist(), run_last.tolist(), strict=True)
    ]


def apply_thresholds(
    spans: Spans, duration_threshold_ms: float, merge_threshold_ms: float
) -> Spans:
    """Discard spans shorter than the duration threshold, then merge gaps up to the merge one."""
    kept = [(a, b) for a, b in spans if b - a >= duration_threshold_ms]
    merged: Spans = []
    for a, b in kept:
        if merged and a - merged[-1][1] <= merge_threshold_ms:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def range_intervals(
    t_ms: np.ndarray,
    values: np.ndarray,
    start_ms: float,
    end_ms: float,
    params: RangeParams,
    last_end_ms: float = float("inf"),
) -> Spans:
    """The ``range`` result: in-range intervals of ``[start_ms, end_ms)`` after both thresholds.

    ``t_ms``/``values`` are the samples in force over the request; when the series' last
    sample is among them, ``last_end_ms`` is where it stops holding (``last_sample_end``).
    """
    spans = raw_intervals(t_ms, values, start_ms, end_ms, params, last_end_ms)
    return apply_thresholds(spans, params.duration_threshold_ms, params.merge_threshold_ms)
