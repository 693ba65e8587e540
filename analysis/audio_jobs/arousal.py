"""Arousal (high / neutral / low energy in the voice): a prosodic heuristic, not a trained model.

No licence-clean trained arousal model runs offline, so this estimates arousal from four
measures of each step's 2112 ms window (33 steps), over the window's speech steps only:

- ``loudness``: the speech's mean power in dBFS;
- ``pitch``: the median F0 of the window's speech frames, in semitones;
- ``pitch_range``: the spread of that F0 (10th to 90th percentile), in semitones;
- ``rate``: syllable nuclei per second of speech: peaks of the 16 ms loudness envelope at
  least :data:`NUCLEUS_PROMINENCE_DB` above their surroundings and 96 ms apart.

Each measure is calibrated per channel: turned into a z-score against the median and spread
(half the 10th-90th percentile distance, at least :data:`MIN_SPREAD`) of the channel's speech
steps, for pitch separately among the steps the gender model calls male and female, so a
channel's own speaker sets what "neutral" is. The weighted sum of the z-scores
(:data:`WEIGHTS`) is the arousal score ``a``; ``P(high) = sigmoid(k (a - t))``,
``P(low) = sigmoid(k (-a - t))`` and ``P(neutral)`` the rest (``k`` = :data:`SLOPE`,
``t`` = :data:`THRESHOLD`). Steps without measurable speech score ``a = 0``.

It measures how animated the voice is relative to the rest of the channel, which tracks
arousal for one speaker in one recording; it knows nothing of words, and a channel of only
excited (or only calm) speech is judged mostly neutral.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from analysis.audio_jobs.signal import Loudness
from analysis.audio_jobs.vocabulary import AROUSAL, STEP_MS

MEASURES = ("loudness", "pitch", "pitch_range", "rate")
WEIGHTS = np.array([0.4, 0.3, 0.1, 0.2])
MIN_SPREAD = np.array([3.0, 1.5, 1.0, 0.5])  # dB, semitones, semitones, nuclei per second
SLOPE = 4.0
THRESHOLD = 0.5
NUCLEUS_PROMINENCE_DB = 6.0
MIN_CALIBRATION_STEPS = 64  # 4 s of speech: fewer, and a gender group uses the channel's stats
_HALF = AROUSAL.half_steps
_SUBFRAMES = 4  # envelope values per step
_CHUNK = 4096  # windows at a time


@dataclass(frozen=True)
class Calibration:
    """A channel's reference point for each measure: median and spread (4 columns)."""

    median: np.ndarray
    spread: np.ndarray

    def z(self, measures: np.ndarray) -> np.ndarray:
        return np.asarray((measures - self.median) / self.spread)


def arousal_measures(loudness: Loudness, f0_hz: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """``(steps, 4)``: loudness, pitch, pitch range and rate of each step's window (NaN where
    the window has no speech, or no pitch for the pitch columns)."""
    steps = len(speech)
    usable = np.append(speech[:-1] & speech[1:], False) & np.isfinite(f0_hz)
    semitones = np.where(usable, 12.0 * np.log2(np.where(usable, f0_hz, 100.0) / 100.0), np.nan)
    per_step = np.stack(
        [loudness.mean_square, semitones, _nuclei_per_step(loudness.envelope, speech)], axis=1
    )
    out = np.empty((steps, len(MEASURES)))
    for first in range(0, steps, _CHUNK):
        rows = np.arange(first, min(first + _CHUNK, steps))
        out[rows] = _window_measures(rows, per_step, speech)
    return out


def _window_measures(rows: np.ndarray, per_step: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """The four measures of the windows centred on ``rows``; ``per_step`` holds each step's
    mean square, its frame's F0 in semitones (NaN off speech) and its nuclei."""
    index = rows[:, None] + np.arange(-_HALF, _HALF + 1)
    inside = (index >= 0) & (index < len(speech))
    clipped = np.clip(index, 0, max(len(speech) - 1, 0))
    chosen = inside & speech[clipped]
    count = chosen.sum(axis=1)
    power = np.where(chosen, per_step[clipped, 0], 0.0).sum(axis=1) / np.maximum(count, 1)
    level = np.where(count > 0, 10.0 * np.log10(np.maximum(power, 1e-12)), np.nan)
    frames = np.where(inside, per_step[clipped, 1], np.nan)
    has_pitch = np.asarray(np.isfinite(frames).any(axis=1))
    filled = np.where(has_pitch[:, None], frames, 0.0)
    with np.errstate(all="ignore"):
        low, median, high = np.asarray(np.nanpercentile(filled, [10, 50, 90], axis=1))
    nuclei = np.where(chosen, per_step[clipped, 2], 0.0).sum(axis=1)
    rate = np.where(count > 0, nuclei / np.maximum(count * STEP_MS / 1000, 1e-9), np.nan)
    return np.stack(
        [level, np.where(has_pitch, median, np.nan), np.where(has_pitch, high - low, np.nan), rate],
        axis=1,
    )


def _nuclei_per_step(envelope: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """How many syllable nuclei (envelope peaks on speech) start in each step."""
    level = 10.0 * np.log10(np.maximum(envelope, 1e-12))
    smooth = np.convolve(level, np.ones(3) / 3, mode="same")
    peaks, _ = find_peaks(smooth, prominence=NUCLEUS_PROMINENCE_DB, distance=6)
    step = peaks // _SUBFRAMES
    counts = np.bincount(step[speech[step]], minlength=len(speech)) if len(peaks) else None
    return np.zeros(len(speech)) if counts is None else counts[: len(speech)].astype(np.float64)


def calibrate(measures: np.ndarray, speech: np.ndarray) -> Calibration:
    """The channel's median and spread of each measure over its speech steps."""
    rows = measures[speech]
    median = np.zeros(len(MEASURES))
    spread = MIN_SPREAD.copy()
    for column in range(len(MEASURES)):
        values = rows[:, column][np.isfinite(rows[:, column])]
        if len(values) >= 1:
            low, mid, high = np.percentile(values, [10, 50, 90])
            median[column] = mid
            spread[column] = max((high - low) / 2.0, MIN_SPREAD[column])
    return Calibration(median, spread)


def arousal_raw(measures: np.ndarray, speech: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Raw ``(steps, 3)`` probabilities (high, neutral, low), calibrated on this channel.

    ``female`` marks the steps the gender model leans female on: pitch is calibrated within
    each gender where it has enough speech.
    """
    channel = calibrate(measures, speech)
    z = channel.z(measures)
    for group in (female, ~female):
        members = speech & group
        if members.sum() >= MIN_CALIBRATION_STEPS:
            own = calibrate(measures, members)
            z[group, 1] = own.z(measures[group])[:, 1]
    score = np.where(np.isfinite(z), z, 0.0) @ WEIGHTS
    high = 1.0 / (1.0 + np.exp(-SLOPE * (score - THRESHOLD)))
    low = 1.0 / (1.0 + np.exp(-SLOPE * (-score - THRESHOLD)))
    return np.stack([high, 1.0 - high - low, low], axis=1).astype(np.float32)
