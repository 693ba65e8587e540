"""Live audio on the 64 ms grid: each output step as soon as the step itself has arrived.

A :class:`StreamAnalyser` takes 16 kHz mono int16 PCM in pieces of any size and answers every
output step (every ``output_period``) once its last sample has arrived. It reuses
:func:`~analysis.audio_jobs.steps.analyse_channel` unchanged on a trailing buffer:

- a step's context windows trail: each model's window ends at the step's end, so only audio
  already heard counts and a step is answered with no wait beyond its own 64 ms (plus compute).
  Model ``m`` at stream step ``k`` is the file analysis' centred result at step
  ``k - delay_steps(m)``, the step whose centred window (and those of the models it consults:
  the speech gate, and gender for arousal) ends at ``k``. A result therefore describes the audio
  ``delay_steps(m)`` steps back: 0.5 s for speech, 1 s for emotions, 1.5 s for gender and
  arousal. It equals a file's result for that step, arousal excepted. The first steps of a
  stream, before a whole window has arrived, are answered from the audio heard so far (windows
  cut at the stream's start);
- arousal is calibrated on the channel: live, on the trailing :data:`CALIBRATION_STEPS` (15 s)
  before the step (a running calibration), so its results settle once that much has been heard;
- the buffer keeps only what the next steps' windows and calibration need, so memory stays
  bounded however long the stream runs. Each :meth:`StreamAnalyser.analyse` call analyses the
  buffer once for every step that arrived since the last: a caller that falls behind gets
  several steps from one call instead of falling further behind.
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
from analysis.audio_jobs.steps import (
    MODELS_DIR,
    ChannelAnalysis,
    Step,
    StepResult,
    analyse_channel,
)
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


def delay_steps(model: str) -> int:
    """Steps between a stream step and the step its ``model`` result describes: the widest half
    window among the model and those it consults, so that every window ends at the stream step."""
    involved = {SPEECH.name, model}
    if model == AROUSAL.name:
        involved.add(GENDER.name)  # arousal's pitch calibration reads gender
    return max(MODELS[name].half_steps for name in involved)


def widest_delay_steps(models: Sequence[str]) -> int:
    """The longest delay among ``models``: how far back the oldest described step lies."""
    return max(delay_steps(name) for name in models)


class StreamAnalyser:
    """Feed PCM with :meth:`feed`; :meth:`analyse` answers the output steps that have arrived."""

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
        self.delay_steps = {name: delay_steps(name) for name in self.models}
        self.widest_delay_steps = widest_delay_steps(self.models)
        # the oldest described step's centred windows, with margins, or its calibration
        self.history_steps = self.widest_delay_steps + max(
            MIN_HISTORY_STEPS, 2 * self.widest_delay_steps
        )
        if AROUSAL.name in self.models:
            self.history_steps = max(
                self.history_steps, self.widest_delay_steps + CALIBRATION_STEPS
            )
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
        """Steps that have fully arrived: windows trail, so nothing waits for later audio
        (``final``, the stream's end, answers nothing more)."""
        return self.received_samples // STEP_SAMPLES

    def pending(self, *, final: bool = False) -> bool:
        """Whether :meth:`analyse` would answer a step now."""
        return self.next_step < self.complete_steps(final=final)

    def analyse(self, *, final: bool = False) -> list[StepResult]:
        """The output steps arrived since the last call, in order (CPU-bound: run it off the
        event loop)."""
        complete = self.complete_steps(final=final)
        if self.next_step >= complete:
            return []
        if self._pieces:
            self._buffer = np.concatenate([self._buffer, *self._pieces])
            self._pieces = []
        first = max(self._origin_step, self.next_step - self.history_steps)
        start = (first - self._origin_step) * STEP_SAMPLES
        analysis = self._analyse(self._buffer[start:])
        answered: list[StepResult] = []
        while self.next_step < complete:
            answered.append(self._trailing(self.next_step, first, analysis))
            self.next_step += self.period_steps
        buffered_steps = self._origin_step + len(self._buffer) // STEP_SAMPLES
        keep_from = min(buffered_steps, max(self._origin_step, self.next_step - self.history_steps))
        self._buffer = self._buffer[(keep_from - self._origin_step) * STEP_SAMPLES :]
        self._origin_step = keep_from
        return answered

    def _analyse(self, samples: np.ndarray) -> ChannelAnalysis:
        return analyse_channel(
            samples, self.models, self.volume_threshold, self.emotions, models_dir=self.models_dir
        )

    def _trailing(self, index: int, first: int, analysis: ChannelAnalysis) -> StepResult:
        """Step ``index`` with every model's windows ending at its end; ``analysis`` starts at
        stream step ``first`` and reaches at least to ``index``."""
        models: dict[str, Step] = {}
        heard_so_far: ChannelAnalysis | None = None
        for name, delay in self.delay_steps.items():
            if index >= delay:
                models[name] = analysis.tracks[name].step(index - delay - first)
                continue
            if heard_so_far is None:  # the stream's first steps: windows cut at its start
                heard_so_far = self._analyse(self._buffer[: (index + 1) * STEP_SAMPLES])
            models[name] = heard_so_far.tracks[name].step(0)
        return StepResult(index, index * STEP_MS, models)
