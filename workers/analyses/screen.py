"""``screen-analysis-request`` labels: a screen recording's analyses over the label's interval.

analysis/screen/suite.py runs them in one decode pass: ``screen_change`` and ``page_content``
series, ``low-page-content-issue`` and ``loading-animation-issue`` result labels.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from analysis.screen.suite import (
    SCREEN_KEYS,
    SCREEN_SERIES,
    ScreenParams,
    ScreenRequest,
    ScreenResult,
    run_screen_analyses,
)
from graph.labels import Label
from workers.registry import AnalysisSpec, Outcome, each_tracked, register, tracked_key
from workers.request_job import ReadyRequest, result_label, stored_series

LOW_CONTENT = "low_page_content_issue"
LOADING_ANIMATION = "loading_animation_issue"


def _work(ready: ReadyRequest) -> Callable[..., ScreenResult]:
    label = ready.label
    request = ScreenRequest(
        start_ms=label.start_ms,
        end_ms=label.end_ms,
        keys=ready.plan.names,
        box=ready.plan.box,
        params=ready.plan.params,
    )
    return partial(run_screen_analyses, Path(ready.media_path), ready.fps, request)


def _outcome(ready: ReadyRequest, result: ScreenResult) -> Outcome:
    series = [stored_series(SCREEN_SERIES[key], points) for key, points in result.series.items()]
    messages: dict[str, str | None] = {
        tracked_key(key): f"{len(points)} points." for key, points in result.series.items()
    }
    labels: list[Label] = []
    names = ready.plan.names
    if LOW_CONTENT in names:
        labels += [
            result_label(
                ready,
                "low-page-content-issue",
                span.start_ms,
                span.end_ms,
                name="Low page content",
                data={"start_frame": span.start_frame, "end_frame": span.end_frame},
            )
            for span in result.low_content
        ]
        messages[tracked_key(LOW_CONTENT)] = f"{len(result.low_content)} spans of low content."
    if LOADING_ANIMATION in names:
        labels += [
            result_label(
                ready,
                "loading-animation-issue",
                a.interval.start_ms,
                a.interval.end_ms,
                name="Loading animation",
                data={
                    "start_frame": a.interval.start_frame,
                    "end_frame": a.interval.end_frame,
                    "region": [a.region.x0, a.region.y0, a.region.x1, a.region.y1],
                    "period_ms": round(a.period_ms, 3),
                },
            )
            for a in result.loading_animations
        ]
        count = len(result.loading_animations)
        messages[tracked_key(LOADING_ANIMATION)] = f"{count} loading animations."
    return Outcome(series, labels, messages)


SPEC = register(
    AnalysisSpec(
        job="screen_analysis",
        request_types=("screen-analysis-request",),
        result_types=("low-page-content-issue", "loading-animation-issue"),
        analyses=each_tracked(SCREEN_KEYS),
        parameters=ScreenParams(),
        work=_work,
        outcome=_outcome,
        described_as="a screen analysis",
        results_doc=(
            "`screen_change` (per frame) and `page_content` series; `low-page-content-issue` "
            "and `loading-animation-issue` labels (`data.region`, `data.period_ms`)"
        ),
    )
)
