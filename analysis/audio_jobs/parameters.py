"""A job's analysis parameters, checked the same way wherever a job is created.

- ``models``: names from :data:`~analysis.audio_jobs.vocabulary.MODELS`, each once, at least
  one (a comma-separated string or a sequence);
- ``output_period``: ms between ``time_series`` entries, a multiple of 64 and at least 64;
- ``volume_threshold``: the RMS level (full scale 1) of a 64 ms step below which it is
  ``silence``; 0 turns the volume gate off. The default, 0.001 (-60 dBFS), calls digital
  silence, dither and the room tone of a quiet recording silence, while speech 40 dB below
  full scale is still analysed.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.audio_jobs.errors import InvalidParameter
from analysis.audio_jobs.vocabulary import MODELS, STEP_MS

DEFAULT_VOLUME_THRESHOLD = 0.001
DEFAULT_OUTPUT_PERIOD_MS = 1024


def check_models(models: str | Sequence[str]) -> tuple[str, ...]:
    """The model names, in the order given; InvalidParameter naming an unknown one."""
    names = models.split(",") if isinstance(models, str) else list(models)
    names = [name.strip() for name in names if name.strip()]
    if not names:
        raise InvalidParameter("models", f"no model given; choose from {', '.join(MODELS)}")
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        raise InvalidParameter(
            "models", f"unknown model {unknown[0]!r}; choose from {', '.join(MODELS)}"
        )
    return tuple(dict.fromkeys(names))


def check_output_period(output_period_ms: int) -> int:
    """``output_period_ms`` when it is a positive multiple of 64; InvalidParameter otherwise."""
    if (
        isinstance(output_period_ms, bool)
        or not isinstance(output_period_ms, int)
        or output_period_ms < STEP_MS
        or output_period_ms % STEP_MS
    ):
        raise InvalidParameter(
            "output_period",
            f"output_period must be a multiple of {STEP_MS} ms and at least {STEP_MS} "
            f"(got {output_period_ms!r})",
        )
    return output_period_ms


def check_volume_threshold(volume_threshold: float) -> float:
    """``volume_threshold`` when it is an RMS level in [0, 1]; InvalidParameter otherwise."""
    value = float(volume_threshold)
    if not 0.0 <= value <= 1.0:
        raise InvalidParameter(
            "volume_threshold",
            f"volume_threshold is an RMS level between 0 and 1 (got {volume_threshold!r})",
        )
    return value
