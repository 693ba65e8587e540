"""The audio models' names, classes and context windows, and the 64 ms grid they run on.

Every model runs on one grid of 64 ms steps (1024 samples at 16 kHz): step ``i`` starts at
``i * 64`` ms, a channel of ``n`` samples has ``n // 1024`` steps (a last partial step is left
out). A model looks at a context window centred on each step, as many whole steps as come
closest to its documented window: a window of ``2 * half_steps + 1`` steps.

Each model has its own classes (its raw outputs, probabilities that add up to 1) and results:
its classes plus ``silence`` (the step is quieter than the volume threshold) and, for the voice
models, ``no_speech`` (the speech model does not call the step speech) and gender's ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

SAMPLE_RATE = 16_000  # Hz: every channel is analysed at this rate
STEP_MS = 64
STEP_SAMPLES = SAMPLE_RATE * STEP_MS // 1000  # 1024

SILENCE = "silence"
NO_SPEECH = "no_speech"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class AudioModel:
    """A model as clients name it: its raw classes, its results and its context window."""

    name: str
    classes: tuple[str, ...]  # raw outputs, in this order
    results: tuple[str, ...]  # every result it can give, in summary order
    window_ms: int  # the documented context window
    voice: bool  # gated by the speech model (``no_speech``)

    @property
    def half_steps(self) -> int:
        """Steps on each side of the centre step: the window is ``2 * half_steps + 1`` steps."""
        return round((self.window_ms / STEP_MS - 1) / 2)

    @property
    def window_steps(self) -> int:
        return 2 * self.half_steps + 1


SPEECH = AudioModel(
    "speech", ("speech", "music", "other"), ("speech", "music", "other", SILENCE), 1082, False
)
GENDER = AudioModel(
    "gender", ("male", "female"), ("male", "female", UNKNOWN, NO_SPEECH, SILENCE), 3130, True
)
AROUSAL = AudioModel(
    "arousal",
    ("high", "neutral", "low"),
    ("high", "neutral", "low", NO_SPEECH, SILENCE),
    2107,
    True,
)
EMOTIONS = AudioModel(
    "emotions",
    ("happy", "irritated", "neutral", "tired"),
    ("happy", "irritated", "neutral", "tired", NO_SPEECH, SILENCE),
    2107,
    True,
)
MODELS: dict[str, AudioModel] = {m.name: m for m in (SPEECH, GENDER, AROUSAL, EMOTIONS)}


def step_count(samples: int) -> int:
    """Whole 64 ms steps in a channel of ``samples`` samples."""
    return samples // STEP_SAMPLES
