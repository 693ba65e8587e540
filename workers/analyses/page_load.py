"""``page-load-request`` labels: the visual load time of one page load.

One ``page-load-result`` label from the request's start to the frame showing the loaded page
(analysis/screen/page_load.py), carrying the load time; decoding stops once the screen has
settled.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from analysis.screen.page_load import PageLoad
from analysis.screen.suite import ScreenParams, measure_page_load
from workers.registry import AnalysisSpec, Outcome, register
from workers.request_job import ReadyRequest, result_label

PAGE_LOAD_KEY = "page-load"


def _work(ready: ReadyRequest) -> Callable[..., PageLoad]:
    label = ready.label
    return partial(
        measure_page_load,
        Path(ready.media_path),
        ready.fps,
        label.start_ms,
        label.end_ms,
        ready.plan.box,
        ready.plan.params,
    )


def _outcome(ready: ReadyRequest, load: PageLoad) -> Outcome:
    label = ready.label
    data: dict[str, object] = {
        "page_load_time_ms": round(load.load_time_ms, 3),
        "settled": load.settled,
        "start_frame": load.start_frame,
        "loaded_frame": load.loaded_frame,
    }
    name = f"Page load: {load.load_time_ms / 1000.0:.3f} s"
    if not load.settled:
        name += " (still changing at the end of the request)"
    end_ms = max(load.loaded_ms, label.start_ms)
    result = result_label(ready, "page-load-result", label.start_ms, end_ms, name=name, data=data)
    message = f"Visual load time {load.load_time_ms:.0f} ms" + (
        "." if load.settled else "; the screen had not settled by the end of the request."
    )
    return Outcome(labels=[result], messages={PAGE_LOAD_KEY: message})


SPEC = register(
    AnalysisSpec(
        job="page_load",
        request_types=("page-load-request",),
        result_types=("page-load-result",),
        analyses={"page_load": (PAGE_LOAD_KEY,)},
        parameters=ScreenParams(),
        work=_work,
        outcome=_outcome,
        selectable=False,
        progress=False,
        described_as="a screen analysis",
        runs_doc="visual page load",
        results_doc=(
            "one `page-load-result` label from the request's start to the frame showing the "
            "loaded page, `data.page_load_time_ms`, `data.settled`"
        ),
    )
)
