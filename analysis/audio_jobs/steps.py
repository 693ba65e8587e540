"""Analyse one channel on the 64 ms grid: every requested model's raw values and results per step.

:func:`analyse_channel` makes two passes over the channel, one block (about 4.4 minutes, with
context) at a time, so its memory does not grow with the channel beyond a few numbers per step:

1. loudness, the speech model, pitch frames and a 1 kHz copy (what the gates and the voice
   models need); then gender and arousal for the whole channel (arousal is calibrated on the
   whole channel, gender is cheap);
2. the emotions model (the only per-window network), then each step is final and handed to
   ``on_step`` in order.

The voice models always have the speech model behind them (their ``no_speech`` gate), whether
or not ``speech`` itself was asked for; arousal also consults gender (its pitch calibration).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.audio_jobs import arousal, gender, pitch, signal, speech
from analysis.audio_jobs.decisions import Decided, decide_speech, decide_voice
from analysis.audio_jobs.emotions import EmotionsModel, block_emotions_raw, emotions_model
from analysis.audio_jobs.parameters import (
    DEFAULT_VOLUME_THRESHOLD,
    check_models,
    check_volume_threshold,
)
from analysis.audio_jobs.vocabulary import (
    AROUSAL,
    EMOTIONS,
    GENDER,
    SPEECH,
    STEP_MS,
    AudioModel,
    step_count,
)

MODELS_DIR = Path(__file__).resolve().parent.parent.parent / "models"


@dataclass(frozen=True)
class Step:
    """One model's output for one step: its result, the confidence, its raw class values."""

    result: str
    confidence: float
    raw: dict[str, float]


@dataclass(frozen=True)
class StepResult:
    """Every requested model's output for step ``index`` (starting at ``timestamp_ms``)."""

    index: int
    timestamp_ms: int
    models: dict[str, Step]


@dataclass(frozen=True)
class ModelTrack:
    """A model's output for every step: raw ``(steps, classes)`` values and decided results;
    ``reliable`` (gender) marks steps with enough speech in their window to tell."""

    model: AudioModel
    raw: np.ndarray
    decided: Decided
    reliable: np.ndarray | None = None

    def step(self, index: int) -> Step:
        raw = {c: float(v) for c, v in zip(self.model.classes, self.raw[index], strict=True)}
        return Step(
            self.model.results[self.decided.result[index]],
            float(self.decided.confidence[index]),
            raw,
        )


@dataclass(frozen=True)
class ChannelAnalysis:
    """One channel's steps: the requested models' tracks and what the gates read."""

    steps: int
    volume_threshold: float  # RMS, full scale 1
    mean_square: np.ndarray  # each step's mean square (full scale 1)
    speech_raw: np.ndarray  # the speech gate's raw values, also when speech was not asked for
    tracks: dict[str, ModelTrack]  # the models asked for

    def step(self, index: int) -> StepResult:
        return StepResult(
            index, index * STEP_MS, {name: t.step(index) for name, t in self.tracks.items()}
        )


OnStep = Callable[[StepResult], None]


def analyse_channel(
    samples: np.ndarray,
    models: Sequence[str],
    volume_threshold: float = DEFAULT_VOLUME_THRESHOLD,
    emotions_model: EmotionsModel | Path | None = None,
    on_step: OnStep | None = None,
    *,
    models_dir: Path = MODELS_DIR,
) -> ChannelAnalysis:
    """Run ``models`` on a 16 kHz channel (int16 PCM or float32 in [-1, 1]).

    ``volume_threshold`` is an RMS level (full scale 1): steps below it are ``silence``.
    ``emotions_model`` is the operator's ONNX model (or its path) when ``emotions`` is asked
    for. ``on_step`` receives each step, in order, as soon as it is final.
    """
    names = check_models(models)
    check_volume_threshold(volume_threshold)
    emotions = _emotions(emotions_model) if EMOTIONS.name in names else None
    first = _first_pass(
        samples, models_dir, with_pitch=bool({GENDER.name, AROUSAL.name} & set(names))
    )
    silent = first.loudness.mean_square < volume_threshold**2
    speech_decided = decide_speech(first.speech_raw, silent)
    tracks = _whole_channel_tracks(first, names, silent, speech_decided, models_dir)
    if emotions is not None:
        tracks[EMOTIONS.name] = ModelTrack(
            EMOTIONS,
            np.zeros((first.steps, len(EMOTIONS.classes)), np.float32),
            Decided(EMOTIONS, np.zeros(first.steps, np.int8), np.zeros(first.steps, np.float32)),
        )
    analysis = ChannelAnalysis(
        first.steps,
        volume_threshold,
        first.loudness.mean_square,
        first.speech_raw,
        {name: tracks[name] for name in names},
    )
    if emotions is None and on_step is None:
        return analysis
    for block in signal.blocks(samples):
        if emotions is not None:
            rows = slice(block.first, block.stop)
            track = tracks[EMOTIONS.name]
            track.raw[rows] = block_emotions_raw(emotions, block)
            part = decide_voice(EMOTIONS, track.raw[rows], silent[rows], speech_decided[rows])
            track.decided.result[rows] = part.result
            track.decided.confidence[rows] = part.confidence
        if on_step is not None:
            for index in range(block.first, block.stop):
                on_step(analysis.step(index))
    return analysis


def _whole_channel_tracks(
    first: _FirstPass,
    names: Sequence[str],
    silent: np.ndarray,
    speech_decided: Decided,
    models_dir: Path,
) -> dict[str, ModelTrack]:
    """The tracks computed from the first pass: speech, gender and arousal."""
    tracks: dict[str, ModelTrack] = {}
    if SPEECH.name in names:
        tracks[SPEECH.name] = ModelTrack(SPEECH, first.speech_raw, speech_decided)
    if not {GENDER.name, AROUSAL.name} & set(names):
        return tracks
    voiced = speech_decided.result == SPEECH.results.index("speech")
    booster = gender.gender_model(models_dir)
    gender_raw, reliable = gender.gender_raw(
        booster, first.decimated, first.f0_hz, first.dominant_hz, voiced, ~silent
    )
    if GENDER.name in names:
        decided = decide_voice(GENDER, gender_raw, silent, speech_decided, reliable)
        tracks[GENDER.name] = ModelTrack(GENDER, gender_raw, decided, reliable)
    if AROUSAL.name in names:
        measures = arousal.arousal_measures(first.loudness, first.f0_hz, voiced)
        raw = arousal.arousal_raw(measures, voiced, gender_raw[:, 1] > gender_raw[:, 0])
        tracks[AROUSAL.name] = ModelTrack(
            AROUSAL, raw, decide_voice(AROUSAL, raw, silent, speech_decided)
        )
    return tracks


def _emotions(model: EmotionsModel | Path | None) -> EmotionsModel:
    return model if isinstance(model, EmotionsModel) else emotions_model(model)


@dataclass(frozen=True)
class _FirstPass:
    steps: int
    loudness: signal.Loudness
    speech_raw: np.ndarray
    f0_hz: np.ndarray
    dominant_hz: np.ndarray
    decimated: np.ndarray


def _first_pass(samples: np.ndarray, models_dir: Path, *, with_pitch: bool) -> _FirstPass:
    steps = step_count(len(samples))
    aed = speech.speech_model(models_dir)
    loudness, speech_raw, f0, dominant, decimated = [], [], [], [], []
    for block in signal.blocks(samples):
        loudness.append(signal.block_loudness(block))
        speech_raw.append(speech.block_speech_raw(aed, block))
        if with_pitch:
            block_f0, block_dominant = pitch.block_frames(block)
            f0.append(block_f0)
            dominant.append(block_dominant)
            decimated.append(signal.block_decimated(block))

    def joined(parts: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(shape, np.float32)

    f0_hz = joined(f0, (steps,)) if with_pitch else np.full(steps, np.nan, np.float32)
    dominant_hz = joined(dominant, (steps,)) if with_pitch else np.full(steps, np.nan, np.float32)
    if steps:  # the last frame would reach past the channel's last whole step
        f0_hz[-1] = dominant_hz[-1] = np.nan
    return _FirstPass(
        steps,
        signal.concatenate_loudness(loudness),
        joined(speech_raw, (0, len(SPEECH.classes))),
        f0_hz,
        dominant_hz,
        joined(decimated, (0,)),
    )
