"""``audio-peak-request`` labels: an analysis that needs the session's audio."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from tests.workers.plugin_analyses.audio_peak import audio_peak
from workers.registry import AnalysisSpec, Outcome
from workers.request_job import ReadyRequest, result_label


def _work(ready: ReadyRequest) -> Callable[..., float]:
    return partial(audio_peak, Path(ready.media_path))


def _outcome(ready: ReadyRequest, peak: float) -> Outcome:
    label = ready.label
    data: dict[str, object] = {"peak": round(peak, 4)}
    found = result_label(
        ready, "audio-peak-result", label.start_ms, label.end_ms, name="Peak", data=data
    )
    return Outcome(labels=[found], messages={"audio-peak": f"peak {peak:.3f}"})


SPEC = AnalysisSpec(
    job="audio_peak",
    request_types=("audio-peak-request",),
    result_types=("audio-peak-result",),
    analyses={"audio_peak": ("audio-peak",)},
    work=_work,
    outcome=_outcome,
    media="audio",
    selectable=False,
    progress=False,
    runs_doc="peak amplitude",
    results_doc="one `audio-peak-result` label, `data.peak`",
)
