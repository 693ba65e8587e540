"""``range`` intervals against a reference that evaluates the step function ms by ms."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.timeseries.ranges import (
    RangeParams,
    apply_thresholds,
    last_sample_end,
    range_intervals,
)


def _reference(
    t: np.ndarray, v: np.ndarray, start: int, end: int, params: RangeParams, last_end: float
) -> list[tuple[float, float]]:
    """Integer times only: the value in force at each ms (the last sample's until
    ``last_end``), then runs, then the thresholds."""
    spans: list[tuple[float, float]] = []
    run_start = None
    for ms in range(start, end + 1):
        ok = False
        if ms < end:
            before = [i for i in range(len(t)) if t[i] <= ms]
            if before and (max(before) < len(t) - 1 or ms < last_end):
                value = v[max(before)]  # the last sample at or before ms (ties: the later one)
                lo_ok = params.lower_limit is None or (
                    value >= params.lower_limit
                    if params.include_lower_limit
                    else value > params.lower_limit
                )
                hi_ok = params.upper_limit is None or (
                    value <= params.upper_limit
                    if params.include_upper_limit
                    else value < params.upper_limit
                )
                ok = bool(lo_ok and hi_ok)
        if ok and run_start is None:
            run_start = ms
        elif not ok and run_start is not None:
            spans.append((float(run_start), float(ms)))
            run_start = None
    kept = [s for s in spans if s[1] - s[0] >= params.duration_threshold_ms]
    merged: list[tuple[float, float]] = []
    for a, b in kept:
        if merged and a - merged[-1][1] <= params.merge_threshold_ms:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _params(rng: np.random.Generator) -> RangeParams:
    kind = rng.integers(3)
    lo = float(rng.integers(0, 6)) if kind != 1 else None
    hi = (lo or 0.0) + float(rng.integers(1, 5)) if kind != 0 else None
    return RangeParams(
        lower_limit=lo,
        upper_limit=hi,
        include_lower_limit=bool(rng.integers(2)),
        include_upper_limit=bool(rng.integers(2)),
        duration_threshold_ms=float(rng.choice([0, 0, 5, 20])),
        merge_threshold_ms=float(rng.choice([0, 0, 3, 15])),
    )


@pytest.mark.parametrize("seed", range(150))
def test_range_equals_the_reference_on_random_series(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    t = np.sort(rng.integers(0, 300, size=n)).astype(np.float64)  # repeated times included
    v = rng.integers(0, 10, size=n).astype(np.float64)  # values on the limits included
    start = int(rng.integers(0, 150))
    end = start + int(rng.integers(1, 200))
    params = _params(rng)
    last_end = float(np.ceil(last_sample_end(t)))  # on the reference's grid of whole ms
    got = range_intervals(t, v, start, end, params, last_end)
    assert got == _reference(t, v, start, end, params, last_end)


def test_the_seeds_threshold_example() -> None:
    """(0,500), (500,550), (700,800): duration 100 drops the middle, merge 200 joins the rest."""
    spans = [(0.0, 500.0), (500.0, 550.0), (700.0, 800.0)]
    assert apply_thresholds(spans, 100, 200) == [(0.0, 800.0)]
    assert apply_thresholds(spans, 100, 199) == [(0.0, 500.0), (700.0, 800.0)]
    assert apply_thresholds(spans, 0, 0) == [(0.0, 550.0), (700.0, 800.0)]


def test_the_seeds_frame_rate_example() -> None:
    """upper_limit 20 over 10-24 s: the spans below 20 fps, cut to the request."""
    t = np.array([0, 12000, 15000, 20000, 30000], dtype=np.float64)
    v = np.array([15, 18, 30, 10, 30], dtype=np.float64)
    spans = range_intervals(t, v, 10000, 24000, RangeParams(upper_limit=20))
    assert spans == [(10000.0, 15000.0), (20000.0, 24000.0)]


@pytest.mark.parametrize(
    ("given", "inside"),
    [
        ({"lower_limit": 0.3, "upper_limit": 0.6, "include_upper_limit": True}, [0, 1, 1, 1, 0]),
        ({"upper_limit": 0.5, "include_upper_limit": True}, [1, 1, 1, 0, 0]),
        ({"lower_limit": 0.5, "include_lower_limit": False}, [0, 0, 0, 1, 1]),
        ({"lower_limit": 0.3}, [0, 1, 1, 1, 1]),
        ({"upper_limit": 0.6}, [1, 1, 1, 0, 0]),
    ],
)
def test_the_seeds_limit_examples(given: dict[str, object], inside: list[int]) -> None:
    values = np.array([0.2, 0.3, 0.5, 0.6, 0.9])
    assert RangeParams(**given).inside(values).astype(int).tolist() == inside  # type: ignore[arg-type]


def test_nan_is_never_in_range() -> None:
    assert not RangeParams(lower_limit=-1e9).inside(np.array([np.nan])).any()


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"lower_limit": 2.0, "upper_limit": 1.0},
        {"lower_limit": 1.0, "upper_limit": 1.0},
        {"lower_limit": 1.0, "duration_threshold_ms": -1.0},
        {"upper_limit": float("nan")},
    ],
)
def test_bad_parameters_are_refused(given: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RangeParams(**given)  # type: ignore[arg-type]


def test_equal_inclusive_limits_select_that_value() -> None:
    t = np.array([0.0, 10.0, 20.0])
    v = np.array([1.0, 2.0, 1.0])
    params = RangeParams(lower_limit=2, upper_limit=2, include_upper_limit=True)
    assert range_intervals(t, v, 0, 30, params) == [(10.0, 20.0)]


def test_a_request_before_the_first_sample_starts_with_it() -> None:
    t = np.array([100.0, 200.0])
    v = np.array([5.0, 5.0])
    assert range_intervals(t, v, 0, 150, RangeParams(lower_limit=0)) == [(100.0, 150.0)]
    assert range_intervals(t, v, 0, 50, RangeParams(lower_limit=0)) == []


def test_a_series_that_stops_holds_its_last_sample_for_one_step() -> None:
    t = np.array([0.0, 1000.0, 2000.0, 3000.0])
    v = np.ones(4)
    params = RangeParams(lower_limit=1)
    assert range_intervals(t, v, 0, 60_000, params, last_sample_end(t)) == [(0.0, 4000.0)]
    # a series that goes on past the request is cut at the request's end
    assert range_intervals(t, v, 0, 2500, params) == [(0.0, 2500.0)]
    # one sample: it holds through the request
    assert range_intervals(t[:1], v[:1], 0, 900, params, last_sample_end(t[:1])) == [(0.0, 900.0)]
