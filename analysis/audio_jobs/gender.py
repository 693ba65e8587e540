"""Gender of the voice: Voice2Gender's booster on its 20 acoustic features, one window per step.

Voice2Gender (MIT) computes 20 features of a voice recording, named and defined as in the
public "voice gender" data set (seewave's ``specprop``, ``fund`` and ``dfreq``), and scores them
with a 250-tree XGBoost booster trained on that data set; its output is P(female). Here the
features of each step are those of its 3136 ms window (49 steps), taken from the window's
speech only (steps the speech model calls speech and that are above the volume threshold),
because the booster calls music and noise "female" with high confidence:

- the 12 spectral features (``meanfreq`` ... ``centroid``, kHz) of the Hann-windowed spectrum
  up to 280 Hz of the window's speech steps joined end to end, read from the channel's 1 kHz
  copy (the band is the same; the features are ratios, so the scale is not);
- ``meanfun``, ``minfun``, ``maxfun``: mean, lowest and highest F0 (kHz) of the window's frames
  that lie wholly on speech (:mod:`analysis.audio_jobs.pitch`);
- ``meandom`` ... ``modindx``: the dominant frequency (kHz) of every other such frame, its
  range, and the modulation index (mean absolute change over the range).

A step is *reliable* when its window holds at least :data:`MIN_SPEECH_MS` of speech with a
pitch; elsewhere the features come from the window's audible steps (raw values only; the
result is ``unknown`` or gated). Features that cannot be computed are NaN, which the trees
treat as missing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from analysis.audio_jobs.signal import DECIMATED_RATE, DECIMATION
from analysis.audio_jobs.vocabulary import GENDER, STEP_MS, STEP_SAMPLES
from analysis.errors import ModelError
from analysis.models.catalogue import VOICE2GENDER_BOOSTER
from analysis.models.inference import shared_model
from analysis.models.trees import BoosterModel

FEATURE_NAMES = (
    "meanfreq", "sd", "median", "Q25", "Q75", "IQR", "skew", "kurt", "sp.ent", "sfm", "mode",
    "centroid", "meanfun", "minfun", "maxfun", "meandom", "mindom", "maxdom", "dfrange", "modindx",
)  # fmt: skip
MIN_SPEECH_MS = 1024  # speech in the window below which a step's gender is "unknown"
MIN_SPEECH_STEPS = MIN_SPEECH_MS // STEP_MS
SPECTRUM_MAX_HZ = 280.0
_HALF = GENDER.half_steps
_DECIMATED_STEP = STEP_SAMPLES // DECIMATION  # 64 samples a step at 1 kHz
_CHUNK = 512  # windows per batch (about 30 MB of work arrays)


def gender_model(models_dir: Path) -> BoosterModel:
    """This process's Voice2Gender booster (verified and loaded on first use)."""
    model = shared_model(BoosterModel, VOICE2GENDER_BOOSTER, models_dir)
    model.load()
    if tuple(model.ensemble.feature_names) != FEATURE_NAMES:
        raise ModelError(f"{VOICE2GENDER_BOOSTER.filename} expects other features")
    return model


def gender_raw(
    booster: BoosterModel,
    decimated: np.ndarray,
    f0_hz: np.ndarray,
    dominant_hz: np.ndarray,
    speech: np.ndarray,
    audible: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Raw ``(steps, 2)`` probabilities (male, female) and the reliable mask of every step.

    ``decimated`` is the channel at 1 kHz; ``f0_hz`` and ``dominant_hz`` are per frame;
    ``speech`` marks steps called speech and above the volume threshold; ``audible`` steps
    above the volume threshold (the fallback for windows without speech).
    """
    steps = len(speech)
    raw = np.full((steps, 2), 0.5, np.float32)
    reliable = np.zeros(steps, bool)
    for first in range(0, steps, _CHUNK):
        rows = np.arange(first, min(first + _CHUNK, steps))
        features, counts = window_features(decimated, f0_hz, dominant_hz, speech, rows)
        reliable[rows] = (counts >= MIN_SPEECH_STEPS) & np.isfinite(features[:, 12])
        fallback = counts == 0
        if fallback.any():
            features[fallback], counts[fallback] = window_features(
                decimated, f0_hz, dominant_hz, audible, rows[fallback]
            )
        scored = counts > 0
        female = booster.predict(features[scored])
        raw[rows[scored]] = np.stack([1.0 - female, female], axis=1)
    return raw, reliable


def window_features(
    decimated: np.ndarray,
    f0_hz: np.ndarray,
    dominant_hz: np.ndarray,
    mask: np.ndarray,
    rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The 20 features of the windows centred on steps ``rows``, over the steps in ``mask``,
    and how many masked steps each window holds."""
    padded = np.pad(mask, _HALF)
    window = padded[rows[:, None] + np.arange(2 * _HALF + 1)]
    counts = window.sum(axis=1)
    features = np.full((len(rows), len(FEATURE_NAMES)), np.nan, np.float64)
    for count in np.unique(counts[counts > 0]):
        group = np.nonzero(counts == count)[0]
        _, column = np.nonzero(window[group])
        chosen = rows[group, None] - _HALF + column.reshape(len(group), count)
        samples = (chosen[:, :, None] * _DECIMATED_STEP + np.arange(_DECIMATED_STEP)).reshape(
            len(group), -1
        )
        features[group, :12] = spectral_features(decimated[samples])
    usable = mask[:-1] & mask[1:]
    frames_f0 = np.where(np.append(usable, False), f0_hz, np.nan)
    frames_dom = np.where(np.append(usable, False), dominant_hz, np.nan)
    features[:, 12:15] = _pitch_features(_frame_windows(frames_f0, rows, 1))
    features[:, 15:20] = _dominant_features(_frame_windows(frames_dom, rows, 2))
    return features, counts


def _frame_windows(per_frame: np.ndarray, rows: np.ndarray, stride: int) -> np.ndarray:
    """Frames ``row - 24, row - 24 + stride, ... <= row + 23`` of each row (NaN outside)."""
    padded = np.pad(per_frame.astype(np.float64), _HALF, constant_values=np.nan)
    return padded[rows[:, None] + np.arange(0, 2 * _HALF, stride)]


def spectral_features(samples: np.ndarray) -> np.ndarray:
    """``meanfreq`` ... ``centroid`` (12 columns; kHz where frequencies) of each row of 1 kHz
    samples, as seewave's ``specprop`` on the spectrum up to 280 Hz."""
    n = samples.shape[1]
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(n), axis=1))[:, : n // 2]
    hz = np.arange(n // 2) * (DECIMATED_RATE / n)
    band = hz <= SPECTRUM_MAX_HZ
    hz, amplitude = hz[band], spectrum[:, band]
    total = amplitude.sum(axis=1, keepdims=True)
    p = amplitude / np.maximum(total, 1e-300)
    bins = p.shape[1]
    mean = (p * hz).sum(axis=1)
    sd = np.sqrt(np.maximum((p * (hz - mean[:, None]) ** 2).sum(axis=1), 0.0))
    p_sd = p.std(axis=1, ddof=1)
    centred = p - p.mean(axis=1, keepdims=True)
    spread = np.where(p_sd > 1e-12, p_sd, 1.0)
    skew = np.where(p_sd > 1e-12, (centred**3).sum(axis=1) / ((bins - 1) * spread**3), 0.0)
    kurt = np.where(p_sd > 1e-12, (centred**4).sum(axis=1) / ((bins - 1) * spread**4), 0.0)
    q = np.maximum(p, 1e-7)
    q /= q.sum(axis=1, keepdims=True)
    entropy = -(q * np.log(q)).sum(axis=1) / np.log(bins)
    flat = np.maximum(p, 1e-5)
    sfm = np.exp(np.log(flat).mean(axis=1)) / np.maximum(flat.mean(axis=1), 1e-12)
    cumulative = np.cumsum(p, axis=1)

    def quantile(level: float) -> np.ndarray:
        return hz[np.minimum((cumulative <= level).sum(axis=1), bins - 1)]

    median, q25, q75 = quantile(0.5), quantile(0.25), quantile(0.75)
    mode = hz[np.argmax(p, axis=1)]
    columns = [mean, sd, median, q25, q75, q75 - q25, skew, kurt, entropy, sfm, mode, mean]
    khz = {0, 1, 2, 3, 4, 5, 10, 11}
    out = np.stack([c / 1000.0 if i in khz else c for i, c in enumerate(columns)], axis=1)
    return np.where(total > 1e-12, out, np.nan)


def _masked(values: np.ndarray, reduce: Callable[..., np.ndarray], fill: float) -> np.ndarray:
    valid = np.isfinite(values)
    out = reduce(np.where(valid, values, fill), axis=1)
    return np.where(valid.any(axis=1), out, np.nan)


def _pitch_features(f0_hz: np.ndarray) -> np.ndarray:
    """``meanfun``, ``minfun``, ``maxfun`` (kHz) of each row of frame F0s (NaN = no frame)."""
    valid = np.isfinite(f0_hz)
    count = valid.sum(axis=1)
    mean = np.where(valid, f0_hz, 0.0).sum(axis=1) / np.maximum(count, 1)
    mean = np.where(count > 0, mean, np.nan)
    low, high = _masked(f0_hz, np.min, np.inf), _masked(f0_hz, np.max, -np.inf)
    return np.stack([mean, low, high], axis=1) / 1000.0


def _dominant_features(dominant_hz: np.ndarray) -> np.ndarray:
    """``meandom``, ``mindom``, ``maxdom``, ``dfrange`` (kHz) and ``modindx`` of each row."""
    khz = dominant_hz / 1000.0
    level = _pitch_features(dominant_hz)
    spread = level[:, 2] - level[:, 1]
    valid = np.isfinite(khz)
    order = np.argsort(~valid, axis=1, kind="stable")
    packed = np.take_along_axis(khz, order, axis=1)
    count = valid.sum(axis=1)
    steps = np.abs(np.diff(packed, axis=1))
    has_step = np.arange(steps.shape[1])[None, :] < (count - 1)[:, None]
    mean_step = np.where(has_step, steps, 0.0).sum(axis=1) / np.maximum(count - 1, 1)
    changes = (count >= 2) & (spread > 1e-12)
    modulation = np.where(changes, mean_step / np.where(changes, spread, 1.0), 0.0)
    modulation = np.where(count > 0, modulation, np.nan)
    return np.column_stack([level, spread, modulation])
