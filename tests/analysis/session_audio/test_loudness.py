"""Loudness against EBU Tech 3341 / 3342 signals synthesised to spec, and against pyloudnorm."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from analysis.session_audio.issues import LoudnessLimits
from analysis.session_audio.loudness import LoudnessMeter
from analysis.session_audio.session import measure_blocks
from analysis.session_audio.true_peak import TruePeakMeter

RATE = 48_000


def tones(*steps: tuple[float, float], freq: float = 1000.0) -> np.ndarray:
    """Stereo sines: (level dBFS, seconds) after one another, same on both channels."""
    parts = []
    for level_db, seconds in steps:
        t = np.arange(round(seconds * RATE)) / RATE
        parts.append(10 ** (level_db / 20) * np.sin(2 * np.pi * freq * t))
    mono = np.concatenate(parts).astype(np.float32)
    return np.stack([mono, mono], axis=1)


def meter_of(samples: np.ndarray, block: int = 48_000) -> LoudnessMeter:
    meter = LoudnessMeter(RATE, samples.shape[1])
    for start in range(0, len(samples), block):
        meter.feed(samples[start : start + block])
    return meter


@pytest.mark.parametrize(
    "steps",
    [
        [(-23, 20)],  # 3341 case 1
        [(-33, 20)],  # case 2
        [(-36, 10), (-23, 60), (-36, 10)],  # case 3
        [(-72, 10), (-36, 10), (-23, 60), (-36, 10), (-72, 10)],  # case 4
        [(-26, 20), (-20, 20.1), (-26, 20)],  # case 5
    ],
)
def test_ebu_3341_integrated(steps: list[tuple[float, float]]) -> None:
    expected = -33.0 if steps == [(-33, 20)] else -23.0
    assert meter_of(tones(*steps)).integrated() == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([(-20, 20), (-30, 20)], 10.0),  # 3342 case 1
        ([(-20, 20), (-15, 20)], 5.0),  # case 2
        ([(-40, 20), (-20, 20)], 20.0),  # case 3
        ([(-50, 20), (-35, 20), (-20, 20), (-35, 20), (-50, 20)], 15.0),  # case 4
    ],
)
def test_ebu_3342_loudness_range(steps: list[tuple[float, float]], expected: float) -> None:
    assert meter_of(tones(*steps)).loudness_range() == pytest.approx(expected, abs=1.0)


def test_true_peak_of_an_inter_sample_peak() -> None:
    """A 12 kHz sine at 45 degrees: samples reach 0.707 of the amplitude, the wave 1.0."""
    t = np.arange(RATE * 2) / RATE
    wave = 0.5 * np.sin(2 * np.pi * 12_000 * t + np.pi / 4)
    samples = np.stack([wave, wave], axis=1).astype(np.float32)
    meter = TruePeakMeter(RATE, 2)
    for start in range(0, len(samples), 7_000):
        meter.feed(samples[start : start + 7_000])
    assert 20 * np.log10(np.abs(samples).max()) == pytest.approx(-9.03, abs=0.05)
    assert meter.dbtp == pytest.approx(-6.02, abs=0.3)


def test_momentary_of_a_steady_tone_is_the_integrated_value() -> None:
    meter = meter_of(tones((-18, 10)))
    _, momentary = meter.momentary()
    _, short = meter.short_term()
    assert np.abs(momentary - meter.integrated()).max() < 0.1
    assert np.abs(short - meter.integrated()).max() < 0.1


def test_agrees_with_pyloudnorm_and_does_not_depend_on_block_sizes() -> None:
    rng = np.random.default_rng(3)
    envelope = np.repeat(rng.uniform(0.05, 0.6, 30), RATE)[:, None]
    samples = (rng.standard_normal((30 * RATE, 2)) * envelope * 0.3).astype(np.float32)
    reference = pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64))
    assert meter_of(samples).integrated() == pytest.approx(reference, abs=0.05)
    assert meter_of(samples, block=12_345).integrated() == pytest.approx(
        meter_of(samples).integrated(), abs=1e-6
    )


def test_silence_has_no_integrated_loudness_and_no_issue() -> None:
    silent = np.zeros((RATE * 5, 1), np.float32)
    found = measure_blocks([silent], RATE, 1, LoudnessLimits())
    assert found.integrated_lufs is None
    assert found.issues == []
    assert found.true_peak_dbtp == -120.0


def test_loudness_issues_mark_loud_and_quiet_stretches() -> None:
    samples = tones((-23, 10), (-3, 8), (-23, 10), (-50, 8), (-23, 10))
    found = measure_blocks([samples], RATE, 2, LoudnessLimits())
    kinds = [(i.kind, round(i.start_ms / 1000), round(i.end_ms / 1000)) for i in found.issues]
    assert [k[0] for k in kinds] == ["too loud", "too quiet"]
    loud, quiet = found.issues
    assert abs(loud.start_ms - 10_000) <= 3_000 and abs(loud.end_ms - 18_000) <= 3_000
    assert abs(quiet.start_ms - 28_000) <= 3_000 and abs(quiet.end_ms - 36_000) <= 3_000
    assert loud.extreme_lufs == pytest.approx(-3.0, abs=0.2)


def test_true_peak_skips_nothing_that_matters() -> None:
    """Blocks skipped by the bound give the same peak as oversampling everything."""
    rng = np.random.default_rng(5)
    levels = np.repeat(rng.uniform(0.05, 0.5, 40), RATE // 10)[:, None]
    samples = (rng.standard_normal((4 * RATE, 2)) * levels).astype(np.float32)
    skipping = TruePeakMeter(RATE, 2)
    for start in range(0, len(samples), 4_800):
        skipping.feed(samples[start : start + 4_800])
    everything = TruePeakMeter(RATE, 2)
    everything._oversample(samples[:, 0])
    everything._oversample(samples[:, 1])
    assert skipping.peak == pytest.approx(max(everything.peak, np.abs(samples).max()), rel=1e-6)
