"""Audio match: a reference planted at a known offset, gain-changed, in noise at 10 dB SNR."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample_poly

from analysis.session_audio.match import (
    PRECISION_TOO_LOW,
    MatchThresholds,
    correlate,
    precision_for,
)
from tests.support.audio_material import music, noise

RATE = 8000


def at_8k(samples: np.ndarray) -> np.ndarray:
    return np.asarray(resample_poly(samples.astype(np.float64), 1, 2))


def planted(
    test_s: float, reference_s: float, offsets_s: list[float], seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Other music with the reference put in at each offset (gain 0.5 in place of what was
    there), then white noise 10 dB below the signal."""
    background = at_8k(music(test_s, seed=seed + 10, level=0.2))
    reference = at_8k(music(reference_s, seed=seed + 20, level=0.5))
    rng = np.random.default_rng(seed)
    reference = reference + 0.02 * rng.standard_normal(len(reference))  # not periodic
    test = background.copy()
    for offset in offsets_s:
        start = round(offset * RATE)
        test[start : start + len(reference)] = 0.5 * reference
    noise_rms = np.sqrt(np.mean(test**2) / 10.0)
    test = test + noise_rms * rng.standard_normal(len(test))
    return test, reference


@pytest.mark.parametrize(("test_s", "reference_s", "offset_s"), [(60, 5, 23.4567), (180, 30, 97.5)])
def test_reference_is_found_within_10_ms(
    test_s: float, reference_s: float, offset_s: float
) -> None:
    test, reference = planted(test_s, reference_s, [offset_s])
    found = correlate(test, reference, RATE)
    assert found is not None
    assert abs(found.offset_ms - offset_s * 1000) <= 10
    assert found.duration_ms == pytest.approx(reference_s * 1000, abs=1)
    assert MatchThresholds().status(found.match_score, found.prominence_ratio) == "full"
    assert found.prominence_ratio > 1.2  # the synthesised music repeats its chords every 4 s


def test_speechlike_noise_reference_is_found() -> None:
    test = at_8k(noise(90, pink=True, seed=4))
    reference = test[40 * RATE : 52 * RATE].copy() * 2.0
    test = test + np.sqrt(np.mean(test**2) / 10) * np.random.default_rng(1).standard_normal(
        len(test)
    )
    found = correlate(test, reference, RATE)
    assert found is not None and abs(found.offset_ms - 40_000) <= 10


def test_a_reference_that_is_not_there_gives_no_match() -> None:
    test, _ = planted(60, 10, [])
    _, absent = planted(10, 10, [], seed=7)
    found = correlate(test, absent, RATE)
    assert (
        found is None or MatchThresholds().status(found.match_score, found.prominence_ratio) is None
    )


def test_a_repeated_reference_has_prominence_about_one() -> None:
    test, reference = planted(60, 8, [10.0, 35.0])
    found = correlate(test, reference, RATE)
    assert found is not None
    assert found.prominence_ratio == pytest.approx(1.0, abs=0.05)
    assert MatchThresholds().status(found.match_score, found.prominence_ratio) == "full"
    strict = MatchThresholds(full_prominence=1.2)
    assert strict.status(found.match_score, found.prominence_ratio) is None  # partial needs 1.5


def test_a_reference_longer_than_the_test_audio_gives_none() -> None:
    assert correlate(np.ones(100), np.ones(200), RATE) is None


def test_precision_steps() -> None:
    assert precision_for(300_000, 40_000).status == "high"
    assert precision_for(600_000, 40_000).status == "medium"
    low = precision_for(1_800_000, 40_000)
    assert (low.status, low.rate, low.error_msg) == ("low", 2000, None)
    worst = precision_for(3 * 3_600_000, 40_000)
    assert worst.status == "critically low" and worst.error_msg == PRECISION_TOO_LOW


def test_seed_partial_rule() -> None:
    thresholds = MatchThresholds()
    assert thresholds.status(0.5, 1.0) is None
    assert thresholds.status(0.5, 1.6) == "partial"
    assert thresholds.status(0.95, 1.0) == "full"
