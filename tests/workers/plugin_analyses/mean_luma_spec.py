"""``mean-luma-request`` labels: a ``mean_luma`` series and one result label with the mean."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from analysis.series import Series
from tests.workers.plugin_analyses.mean_luma import MEAN_LUMA, MeanLumaParams, mean_luma
from workers.registry import AnalysisSpec, Outcome
from workers.request_job import ReadyRequest, result_label, stored_series


def _work(ready: ReadyRequest) -> Callable[..., Series]:
    label, plan = ready.label, ready.plan
    path = Path(ready.media_path)
    return partial(mean_luma, path, ready.fps, label.start_ms, label.end_ms, plan.box, plan.params)


def _outcome(ready: ReadyRequest, series: Series) -> Outcome:
    mean = round(float(series.values.mean()), 3) if len(series) else None
    label = result_label(
        ready,
        "mean-luma-result",
        ready.label.start_ms,
        ready.label.end_ms,
        name="Mean luma",
        data={"mean_luma": mean},
    )
    return Outcome(
        series=[stored_series(MEAN_LUMA, series)],
        labels=[label],
        messages={"mean-luma": f"mean luma {mean}"},
    )


SPEC = AnalysisSpec(
    job="mean_luma",
    request_types=("mean-luma-request",),
    result_types=("mean-luma-result",),
    analyses={"mean_luma": ("mean-luma",)},
    parameters=MeanLumaParams(),
    work=_work,
    outcome=_outcome,
    selectable=False,
    described_as="the mean luma test analysis",
    results_doc="a `mean_luma` series; one `mean-luma-result` label, `data.mean_luma`",
)
