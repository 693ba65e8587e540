"""Pitch (F0) and dominant frequency of 128 ms frames, one frame per 64 ms step.

Frame ``f`` covers steps ``f`` and ``f + 1`` (2048 samples at 16 kHz). The measures follow
Voice2Gender's feature extraction (itself seewave's ``fund`` and ``dfreq``), computed once per
frame of the channel instead of once per window:

- samples quieter than 5 % of the local peak (the loudest sample of the gender window around
  the frame) are set to zero, as the reference does with its window's peak;
- F0: the real cepstrum of the frame; its largest peak between quefrencies ``16000 // 280``
  and 1024 samples gives the period; F0 is kept when it lies in 50-280 Hz, else NaN;
- dominant frequency: the strongest bin of the Hann-windowed spectrum up to 7 kHz (NaN for a
  frame of zeros).
"""

from __future__ import annotations

import numpy as np
from scipy import fft
from scipy.ndimage import maximum_filter1d

from analysis.audio_jobs.signal import Block
from analysis.audio_jobs.vocabulary import GENDER, SAMPLE_RATE, STEP_SAMPLES

FRAME_SAMPLES = 2 * STEP_SAMPLES
MIN_F0_HZ = 50.0
MAX_F0_HZ = 280.0
DOMINANT_MAX_HZ = 7_000.0
CLIP_RATIO = 0.05
_MIN_PERIOD = SAMPLE_RATE // int(MAX_F0_HZ)  # 57 samples
_HANN = np.hanning(FRAME_SAMPLES).astype(np.float32)
_DOMINANT_BINS = int(DOMINANT_MAX_HZ / (SAMPLE_RATE / FRAME_SAMPLES)) + 1
_CHUNK = 1024  # frames per FFT batch


def block_frames(block: Block) -> tuple[np.ndarray, np.ndarray]:
    """F0 and dominant frequency in Hz (NaN where none) of the frames that start at the
    block's own steps."""
    ext_steps = len(block.samples) // STEP_SAMPLES
    peaks = np.abs(block.samples[: ext_steps * STEP_SAMPLES]).reshape(ext_steps, -1).max(axis=1)
    # the gender window around frame f spans steps f - 24 .. f + 25
    local_peak = maximum_filter1d(peaks, size=2 * GENDER.half_steps + 2, origin=-1)
    start = block.first - block.origin_step
    count = block.stop - block.first
    f0 = np.full(count, np.nan, np.float32)
    dominant = np.full(count, np.nan, np.float32)
    for offset in range(0, count, _CHUNK):
        n = min(_CHUNK, count - offset)
        first_step = start + offset
        frames = np.lib.stride_tricks.sliding_window_view(
            block.samples[first_step * STEP_SAMPLES : (first_step + n + 1) * STEP_SAMPLES],
            FRAME_SAMPLES,
        )[::STEP_SAMPLES][:n]
        clip = (CLIP_RATIO * local_peak[first_step : first_step + n])[:, None]
        clipped = np.where(np.abs(frames) <= clip, np.float32(0), frames)
        f0[offset : offset + n] = _cepstral_f0(clipped)
        dominant[offset : offset + n] = _dominant(clipped)
    return f0, dominant


def _cepstral_f0(frames: np.ndarray) -> np.ndarray:
    filled = np.where(frames == 0, np.float32(1e-6), frames)
    log_spectrum = np.log(np.maximum(np.abs(fft.rfft(filled, axis=1)), 1e-12))
    cepstrum = fft.irfft(log_spectrum, n=FRAME_SAMPLES, axis=1)
    peak = np.argmax(cepstrum[:, _MIN_PERIOD : FRAME_SAMPLES // 2], axis=1)
    f0 = SAMPLE_RATE / (_MIN_PERIOD + peak).astype(np.float32)
    valid = (peak > 0) & (f0 >= MIN_F0_HZ) & (f0 <= MAX_F0_HZ)
    return np.where(valid, f0, np.nan).astype(np.float32)


def _dominant(frames: np.ndarray) -> np.ndarray:
    spectrum = np.abs(fft.rfft(frames * _HANN, axis=1))[:, :_DOMINANT_BINS]
    peak = np.argmax(spectrum, axis=1)
    hz = (peak * (SAMPLE_RATE / FRAME_SAMPLES)).astype(np.float32)
    return np.where(spectrum.max(axis=1) > 1e-12, hz, np.nan).astype(np.float32)
