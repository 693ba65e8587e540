"""Live audio on the 64 ms grid: each output step as soon as its context window has arrived.

A :class:`StreamAnalyser` takes 16 kHz mono int16 PCM in pieces of any size and answers the
output steps (every ``output_period``) whose context windows are complete. It reuses
:func:`~analysis.audio_jobs.steps.analyse_channel` unchanged on a trailing buffer:

- a step's windows are centred on it as in a file, so a step is complete once
  :attr:`StreamAnalyser.lookahead_steps` more steps have arrived (the widest window's half among
  the models asked for and those they consult: the speech gate, and gender for arousal). Its
  results trail the live audio by that much (0.5 s for speech, 1.5 s with gender or arousal) and
  equal a file's results for the same audio, arousal excepted;
- arousal is calibrated on the channel: live, on the trailing :data:`CALIBRATION_STEPS` (15 s)
  before the step (a running calibration), so its results settle once that much has been heard;
- the buffer keeps only what the next steps' windows and calibration need, so memory stays
  bounded however long the stream runs. Each :meth:`StreamAnalyser.analyse` call analyses the
  buffer once for every step that became complete since the last: a caller that falls behind
  gets several steps from one call instead of falling further behind;
- :meth:`StreamAnalyser.analyse` with ``final=True`` (the stream ended) answers the remaining
  steps with windows cut at the end, as a file's last steps are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analysis.audio_jobs.emotions import EmotionsModel, emotions_model
from analysis.audio_jobs.parameters import (
    DEFAULT_VOLUME_THRESHOLD,
    check_models,
    check_output_period,
    check_volume_threshold,
)
from analysis.audio_jobs.steps import MODELS_DIR, StepResult, analyse_channel
from analysis.audio_jobs.vocabulary import (
    AROUSAL,
    EMOTIONS,
    GENDER,
    MODELS,
    SPEECH,
    STEP_MS,
    STEP_SAMPLES,
)

CALIBRATION_STEPS = 235  # 15 s of history for arousal's running calibration
MIN_HISTORY_STEPS = 32  # 2 s before a step: its windows plus the models' own margins


def lookahead_steps(models: Sequence[str]) -> int:
    """Steps after a step that its results depend on: the widest half window involved."""
    involved = {SPEECH.name, *models}
    if AROUSAL.name in involved:
        involved.add(GENDER.name)  # arousal's pitch calibration reads gender
    return max(MODELS[name].half_steps for name in involved)


class StreamAnalyser:
    """Feed PCM with :meth:`feed`; :meth:`analyse` answers the output steps now complete."""

    def __init__(
        self,
        models: Sequence[str],
        output_period_ms: int,
        volume_threshold: float = DEFAULT_VOLUME_THRESHOLD,
        emotions: EmotionsModel | Path | None = None,
        *,
        models_dir: Path = MODELS_DIR,
    ) -> None:
        self.models = check_models(models)
        self.period_steps = check_output_period(output_period_ms) // STEP_MS
        self.volume_threshold = check_volume_threshold(volume_threshold)
        self.emotions = (
            (emotions if isinstance(emotions, EmotionsModel) else emotions_model(emotions))
            if EMOTIONS.name in self.models
            else None
        )
        self.models_dir = models_dir
        self.lookahead_steps = lookahead_steps(self.models)
        self.history_steps = max(MIN_HISTORY_STEPS, 2 * self.lookahead_steps)
        if AROUSAL.name in self.models:
            self.history_steps = max(self.history_steps, CALIBRATION_STEPS)
        self._pieces: list[np.ndarray] = []
        self._buffer = np.zeros(0, np.int16)
        self._origin_step = 0  # the stream step that the buffer's first sample starts
        self.next_step = 0  # the next output step to answer

    @property
    def received_samples(self) -> int:
        return self._origin_step * STEP_SAMPLES + len(self._buffer) + sum(map(len, self._pieces))

    @property
    def buffered_samples(self) -> int:
        """Samples held now: what the next steps' windows and calibration still need."""
        return len(self._buffer) + sum(map(len, self._pieces))

    def feed(self, pcm: np.ndarray) -> None:
        """Append int16 mono samples (16 kHz)."""
        if len(pcm):
            self._pieces.append(np.asarray(pcm, np.int16))

    def complete_steps(self, *, final: bool = False) -> int:
        """Steps whose windows have fully arrived (all received steps once the stream ended)."""
        received = self.received_samples // STEP_SAMPLES
        return received if final else max(0, received - self.lookahead_steps)

    def pending(self, *, final: bool = False) -> bool:
        """Whether :meth:`analyse` would answer a step now."""
        return self.next_step < self.complete_steps(final=final)

    def analyse(self, *, final: bool = False) -> list[StepResult]:
        """The output steps complete now, in order (CPU-bound: run it off the event loop)."""
        complete = self.complete_steps(final=final)
        if self.next_step >= complete:
            return []
        if self._pieces:
            self._buffer = np.concatenate([self._buffer, *self._pieces])
            self._pieces = []
        first = max(self._origin_step, self.next_step - self.history_steps)
        start = (first - self._origin_step) * STEP_SAMPLES
        analysis = analyse_channel(
            self._buffer[start:],
            self.models,
            self.volume_threshold,
            self.emotions,
            models_dir=self.models_dir,
        )
        answered: list[StepResult] = []
        while self.next_step < complete:
            step = analysis.step(self.next_step - first)
            answered.append(StepResult(self.next_step, self.next_step * STEP_MS, step.models))
            self.next_step += self.period_steps
        buffered_steps = self._origin_step + len(self._buffer) // STEP_SAMPLES
        keep_from = min(buffered_steps, max(self._origin_step, self.next_step - self.history_steps))
        self._buffer = self._buffer[(keep_from - self._origin_step) * STEP_SAMPLES :]
        self._origin_step = keep_from
        return answered
