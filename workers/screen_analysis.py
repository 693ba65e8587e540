"""The ``screen_analysis`` and ``page_load`` jobs: a screen recording's analyses (issue 5).

``screen-analysis-request`` labels run analysis/screen/suite.py over their interval in one
decode pass: ``screen_change`` and ``page_content`` series, ``low-page-content-issue`` and
``loading-animation-issue`` result labels. A ``page-load-request`` label gets one
``page-load-result`` label from its start to the frame showing the loaded page, carrying the
visual load time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from analysis.errors import MediaError
from analysis.screen.page_load import PageLoad
from analysis.screen.suite import (
    SCREEN_SERIES,
    ScreenRequest,
    ScreenResult,
    measure_page_load,
    run_screen_analyses,
)
from graph.labels import Label
from graph.state import AppState
from graph.timeseries import TimeSeriesPoints
from workers.label_requests import PAGE_LOAD_KEY, tracked_key
from workers.requests import (
    ReadyRequest,
    fail_request,
    finish_request,
    result_label,
    start_request,
    stored_series,
)

log = logging.getLogger(__name__)
LOW_CONTENT = "low_page_content_issue"
LOADING_ANIMATION = "loading_animation_issue"
T = TypeVar("T")


async def _in_pool(
    ctx: dict[str, Any], state: AppState, ready: ReadyRequest, work: Callable[[], T]
) -> T | str:
    """Run ``work`` in the process pool; a failed run is reported and returned as text."""
    executor: Executor | None = ctx.get("pool_executor")
    try:
        return await asyncio.get_running_loop().run_in_executor(executor, work)
    except (MediaError, ValueError) as exc:
        return await fail_request(state, ready, str(exc))
    except Exception:
        log.exception("screen analysis of label %s failed unexpectedly", ready.label.id)
        await fail_request(state, ready, "internal error in a screen analysis; see the worker log")
        raise


async def screen_analysis(ctx: dict[str, Any], *, label_id: str) -> str:
    """Run a screen-analysis-request label's analyses and replace its previous results."""
    state: AppState = ctx["state"]
    ready = await start_request(state, label_id, "screen_analysis")
    if isinstance(ready, str):
        return ready
    label = ready.label
    request = ScreenRequest(
        start_ms=label.start_ms, end_ms=label.end_ms, keys=ready.plan.names,
        box=ready.plan.box, params=ready.plan.params,
    )  # fmt: skip
    work = partial(run_screen_analyses, Path(ready.media_path), ready.fps, request)
    result = await _in_pool(ctx, state, ready, work)
    if isinstance(result, str):
        return result
    return await finish_request(state, ready, *_screen_results(ready, result))


def _screen_results(
    ready: ReadyRequest, result: ScreenResult
) -> tuple[list[TimeSeriesPoints], list[Label], dict[str, str | None]]:
    series = [stored_series(SCREEN_SERIES[key], points) for key, points in result.series.items()]
    messages: dict[str, str | None] = {
        tracked_key(key): f"{len(points)} points." for key, points in result.series.items()
    }
    labels: list[Label] = []
    names = ready.plan.names
    if LOW_CONTENT in names:
        labels += [
            result_label(
                ready.label,
                "low-page-content-issue",
                span.start_ms,
                span.end_ms,
                name="Low page content",
                session=ready.session,
                data={"start_frame": span.start_frame, "end_frame": span.end_frame},
            )
            for span in result.low_content
        ]
        messages[tracked_key(LOW_CONTENT)] = f"{len(result.low_content)} spans of low content."
    if LOADING_ANIMATION in names:
        labels += [
            result_label(
                ready.label,
                "loading-animation-issue",
                a.interval.start_ms,
                a.interval.end_ms,
                name="Loading animation",
                session=ready.session,
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
    return series, labels, messages


async def page_load(ctx: dict[str, Any], *, label_id: str) -> str:
    """Measure a page-load-request label's visual load time."""
    state: AppState = ctx["state"]
    ready = await start_request(state, label_id, "page_load")
    if isinstance(ready, str):
        return ready
    label = ready.label
    work = partial(
        measure_page_load, Path(ready.media_path), ready.fps, label.start_ms, label.end_ms,
        ready.plan.box, ready.plan.params,
    )  # fmt: skip
    measured = await _in_pool(ctx, state, ready, work)
    if isinstance(measured, str):
        return measured
    load: PageLoad = measured
    data: dict[str, object] = {
        "page_load_time_ms": round(load.load_time_ms, 3),
        "settled": load.settled,
        "start_frame": load.start_frame,
        "loaded_frame": load.loaded_frame,
    }
    name = f"Page load: {load.load_time_ms / 1000.0:.3f} s"
    if not load.settled:
        name += " (still changing at the end of the request)"
    result = result_label(
        label, "page-load-result", label.start_ms, max(load.loaded_ms, label.start_ms),
        name=name, session=ready.session, data=data,
    )  # fmt: skip
    message = f"Visual load time {load.load_time_ms:.0f} ms" + (
        "." if load.settled else "; the screen had not settled by the end of the request."
    )
    return await finish_request(state, ready, [], [result], {PAGE_LOAD_KEY: message})
