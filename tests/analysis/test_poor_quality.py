"""Poor video quality: spans of a MOS series below the threshold for long enough."""

from __future__ import annotations

import numpy as np

from analysis.screen.intervals import TimeSpan
from analysis.screen.poor_quality import PoorQualityParams, poor_quality_intervals
from analysis.screen.suite import ScreenParams
from analysis.series import Series


def mos_series(values: list[float], step_ms: float = 500.0, start_ms: float = 0.0) -> Series:
    t_ms = start_ms + step_ms * np.arange(len(values))
    return Series("video_quality_mos", t_ms, np.array(values, np.float64))


def test_spans_below_the_threshold_are_exact() -> None:
    # points every 500 ms; each stands until the next
    mos = mos_series([4.0, 2.0, 2.2, 2.4, 2.1, 3.0, 1.5, 1.2, 1.0, 1.4, 1.1, 4.2])
    assert poor_quality_intervals(mos, PoorQualityParams()) == (
        TimeSpan(500.0, 2500.0),  # 4 points: exactly the 2 s minimum
        TimeSpan(3000.0, 5500.0),
    )


def test_shorter_spans_are_dropped_and_the_minimum_is_a_parameter() -> None:
    mos = mos_series([4.0, 2.0, 2.0, 2.0, 4.0, 2.0, 4.0])  # 1.5 s, then 0.5 s
    assert poor_quality_intervals(mos, PoorQualityParams()) == ()
    short = PoorQualityParams(min_duration_ms=500.0)
    assert poor_quality_intervals(mos, short) == (TimeSpan(500.0, 2000.0), TimeSpan(2500.0, 3000.0))


def test_threshold_is_strict_and_a_parameter() -> None:
    mos = mos_series([2.5] * 8)
    assert poor_quality_intervals(mos, PoorQualityParams()) == ()  # at 2.5 is not below 2.5
    assert poor_quality_intervals(mos, PoorQualityParams(mos_threshold=3.0)) == (
        TimeSpan(0.0, 4000.0),
    )


def test_span_running_to_the_end_lasts_one_more_spacing() -> None:
    mos = mos_series([4.0, 1.0, 1.0, 1.0, 1.0], step_ms=1000.0, start_ms=10_000.0)
    assert poor_quality_intervals(mos, PoorQualityParams()) == (TimeSpan(11_000.0, 15_000.0),)


def test_unmeasured_points_break_a_span() -> None:
    mos = mos_series([1.0, 1.0, 1.0, np.nan, 1.0, 1.0, 1.0, 1.0])
    assert poor_quality_intervals(mos, PoorQualityParams()) == (TimeSpan(2000.0, 4000.0),)


def test_empty_and_single_point_series() -> None:
    assert poor_quality_intervals(mos_series([]), PoorQualityParams()) == ()
    assert poor_quality_intervals(mos_series([1.0]), PoorQualityParams()) == ()  # lasts 0 ms


def test_defaults_are_the_documented_ones() -> None:
    params = ScreenParams().poor_quality
    assert (params.mos_threshold, params.min_duration_ms) == (2.5, 2000.0)
