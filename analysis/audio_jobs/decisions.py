"""From raw probabilities to results: the volume gate, the speech gate and each model's rule.

The same rules decide a 64 ms step and an ``output_period`` of many steps (from the mean of
their raw values), so a period of 64 ms gives exactly the step's result:

1. ``silence`` (confidence 1.0) when the audio is quieter than the volume threshold;
2. for the voice models, ``no_speech`` when the speech model's result is not ``speech``; its
   confidence is the speech model's confidence in its own result;
3. otherwise the model's own class: the most probable one, with its probability as the
   confidence; for gender, confidence is the margin ``|P(female) - P(male)|`` and the result is
   ``unknown`` below :data:`GENDER_MIN_MARGIN` or without enough speech in the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.audio_jobs.vocabulary import GENDER, NO_SPEECH, SILENCE, SPEECH, UNKNOWN, AudioModel

GENDER_MIN_MARGIN = 0.3  # |P(female) - P(male)| below which gender is "unknown"


@dataclass(frozen=True)
class Decided:
    """Results as indices into ``model.results`` and their confidences, one per row."""

    model: AudioModel
    result: np.ndarray  # int8
    confidence: np.ndarray  # float32

    def labels(self) -> list[str]:
        return [self.model.results[i] for i in self.result]

    def __getitem__(self, rows: slice) -> Decided:
        return Decided(self.model, self.result[rows], self.confidence[rows])


def decide_speech(raw: np.ndarray, silent: np.ndarray) -> Decided:
    """The speech model's results from its raw (speech, music, other) rows."""
    result = np.argmax(raw, axis=1)
    confidence = np.max(raw, axis=1)
    return _gate(SPEECH, result, confidence, silent, None)


def decide_voice(
    model: AudioModel,
    raw: np.ndarray,
    silent: np.ndarray,
    speech: Decided,
    reliable: np.ndarray | None = None,
) -> Decided:
    """A voice model's results from its raw rows, gated by volume and by ``speech``'s results.

    ``reliable`` (gender only) marks rows with enough speech to tell; others are ``unknown``.
    """
    if model == GENDER:
        margin = np.abs(raw[:, 1] - raw[:, 0])
        result = np.where(raw[:, 1] > raw[:, 0], 1, 0)
        known = margin >= GENDER_MIN_MARGIN
        if reliable is not None:
            known &= reliable
        result = np.where(known, result, model.results.index(UNKNOWN))
        confidence = margin
    else:
        result = np.argmax(raw, axis=1)
        confidence = np.max(raw, axis=1)
    return _gate(model, result, confidence, silent, speech)


def _gate(
    model: AudioModel,
    result: np.ndarray,
    confidence: np.ndarray,
    silent: np.ndarray,
    speech: Decided | None,
) -> Decided:
    result = result.astype(np.int8)
    confidence = confidence.astype(np.float32)
    if speech is not None:
        not_speech = speech.result != SPEECH.results.index("speech")
        result = np.where(not_speech, model.results.index(NO_SPEECH), result).astype(np.int8)
        confidence = np.where(not_speech, speech.confidence, confidence).astype(np.float32)
    result = np.where(silent, model.results.index(SILENCE), result).astype(np.int8)
    confidence = np.where(silent, np.float32(1.0), confidence).astype(np.float32)
    return Decided(model, result, confidence)
