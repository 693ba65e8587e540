"""Live PCM conversion: the same 16 kHz mono samples however the stream is cut, frequencies
kept, what would alias removed."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.audio_jobs.live_pcm import LivePcm


def _pcm(rate: int, channels: int, tone_hz: float, seconds: float = 1.0) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    tone = 0.5 * np.sin(2 * np.pi * tone_hz * t)
    frames = np.stack([tone] * channels, axis=1)
    return np.round(frames * 32767).astype("<i2").tobytes()


def _peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * 16_000 / len(samples))


@pytest.mark.parametrize(("rate", "channels"), [(48_000, 2), (44_100, 1), (8_000, 1), (22_050, 6)])
def test_any_cut_gives_the_same_samples_at_16_khz(rate: int, channels: int) -> None:
    pcm = _pcm(rate, channels, 1000.0)
    whole = LivePcm(rate, channels)(pcm)
    convert = LivePcm(rate, channels)
    rng = np.random.default_rng(7)
    pieces, start = [], 0
    while start < len(pcm):
        size = int(rng.integers(1, 5000))  # odd sizes split samples and frames
        pieces.append(convert(pcm[start : start + size]))
        start += size
    cut = np.concatenate(pieces)
    assert np.array_equal(cut, whole)
    assert abs(len(whole) - 16_000) <= 1
    assert abs(_peak_hz(whole.astype(np.float64)) - 1000.0) < 20


def test_tones_above_8_khz_do_not_fold_back() -> None:
    """A 12 kHz tone at 48 kHz would alias to 4 kHz at 16 kHz: the low-pass removes it."""
    folded = LivePcm(48_000, 1)(_pcm(48_000, 1, 12_000.0)).astype(np.float64)
    kept = LivePcm(48_000, 1)(_pcm(48_000, 1, 1_000.0)).astype(np.float64)
    assert np.sqrt(np.mean(folded[200:] ** 2)) < 0.01 * np.sqrt(np.mean(kept[200:] ** 2))


def test_16_khz_mono_passes_through_untouched() -> None:
    pcm = _pcm(16_000, 1, 440.0)
    assert LivePcm(16_000, 1)(pcm).tobytes() == pcm
