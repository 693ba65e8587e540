"""Audio activity on bursts at known times, the seed's merge examples and its thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.session_audio.activity import (
    ActivityThresholds,
    Region,
    find_activity,
    merge_regions,
)
from analysis.session_audio.volume import volume_series

RATE = 48_000
BURSTS_MS = [(300, 420), (1000, 1600), (2500, 2530)]  # a 30 ms click-like burst last


def signal(background_rms: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    samples = background_rms * rng.standard_normal(3 * RATE)
    t = np.arange(len(samples)) / RATE
    for index, (start, end) in enumerate(BURSTS_MS):
        a, b = start * RATE // 1000, end * RATE // 1000
        if index % 2:
            samples[a:b] += 0.1 * rng.standard_normal(b - a)  # noise burst
        else:
            samples[a:b] += 0.3 * np.sin(2 * np.pi * 440 * t[a:b])  # tone burst
    return samples.astype(np.float32)


@pytest.mark.parametrize("background_rms", [0.0, 0.002])
def test_bursts_are_found_within_10_ms(background_rms: float) -> None:
    t_ms, volume = volume_series(signal(background_rms), RATE)
    regions = find_activity(t_ms, volume[:, 0], ActivityThresholds(merge_ms=50))
    assert len(regions) == len(BURSTS_MS)
    for region, (start, end) in zip(regions, BURSTS_MS, strict=True):
        assert abs(region.start_ms - start) <= 10
        assert abs(region.end_ms - end) <= 10
        assert region.start_volume > 0.02 and region.end_volume > 0.02


def test_a_full_scale_sine_reads_one() -> None:
    t = np.arange(RATE) / RATE
    _, volume = volume_series(np.sin(2 * np.pi * 1000 * t), RATE)
    assert volume[5:-5, 0] == pytest.approx(1.0, abs=0.01)


def test_silence_has_no_activity() -> None:
    t_ms, volume = volume_series(np.zeros(RATE, np.float32), RATE)
    assert find_activity(t_ms, volume[:, 0], ActivityThresholds()) == []


def region(start: float, end: float) -> Region:
    return Region(start, end, 0.5, 0.5)


def test_seed_merge_examples() -> None:
    found = [region(100, 200), region(500, 800)]
    assert len(merge_regions(found, ActivityThresholds().merge_ms)) == 2
    merged = merge_regions(found, 500)
    assert [(r.start_ms, r.end_ms) for r in merged] == [(100, 800)]


def test_short_runs_are_dropped_by_duration() -> None:
    t_ms = np.arange(1, 41) * 5.0
    volume = np.zeros(40)
    volume[5:8] = 0.5  # 15 ms: not more than 15 ms
    volume[20:24] = 0.5  # 20 ms
    found = find_activity(t_ms, volume, ActivityThresholds())
    assert [(r.start_ms, r.end_ms) for r in found] == [(102.5, 122.5)]


def test_thresholds_show_all_three() -> None:
    assert ActivityThresholds().as_data() == {"volume": 0.02, "duration_ms": 15, "merge_ms": 200}
    custom = ActivityThresholds(volume=0.1, merge_ms=150)
    assert custom.as_data() == {"volume": 0.1, "duration_ms": 15, "merge_ms": 150}
