"""The ``video_quality`` job: a ``video-content`` label's quality suite.

One decode pass over the label's interval (analysis/quality/suite.py) in the process pool; each
metric becomes a time series under the label's id; screen freezes become
``screen-freezing-issue`` result labels and, when MOS ran, spans of poor MOS become
``poor-video-quality-issue`` labels, all in the request's label group.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from functools import partial
from pathlib import Path
from typing import Any

from analysis.errors import MediaError, ModelError
from analysis.quality.suite import QUALITY_SERIES, QualityRequest, QualityResult, run_quality_suite
from analysis.screen.suite import poor_quality_intervals
from graph.labels import Label
from graph.state import AppState
from workers.label_requests import (
    POOR_VIDEO_QUALITY,
    SCREEN_FREEZING,
    VIDEO_QUALITY_MOS,
    tracked_key,
)
from workers.requests import (
    ReadyRequest,
    fail_request,
    finish_request,
    result_label,
    start_request,
    stored_series,
)

log = logging.getLogger(__name__)


async def video_quality(ctx: dict[str, Any], *, label_id: str) -> str:
    """Run a video-content label's quality analyses and replace its previous results."""
    state: AppState = ctx["state"]
    ready = await start_request(state, label_id, "video_quality")
    if isinstance(ready, str):
        return ready
    quality_params, poor_params = ready.plan.params
    label = ready.label
    request = QualityRequest(
        start_ms=label.start_ms,
        end_ms=label.end_ms,
        keys=ready.plan.names,
        box=ready.plan.box,
        params=quality_params,
    )
    run = partial(run_quality_suite, Path(ready.media_path), ready.fps, request)
    executor: Executor | None = ctx.get("pool_executor")
    try:
        result: QualityResult = await asyncio.get_running_loop().run_in_executor(executor, run)
    except (MediaError, ModelError, ValueError) as exc:
        return await fail_request(state, ready, str(exc))
    except Exception:
        log.exception("quality suite of label %s failed unexpectedly", label_id)
        await fail_request(state, ready, "internal error in the quality suite; see the worker log")
        raise
    series = [stored_series(QUALITY_SERIES[key], s) for key, s in result.series.items()]
    results: list[Label] = []
    messages: dict[str, str | None] = {
        tracked_key(key): f"{len(s)} points." for key, s in result.series.items()
    }
    if SCREEN_FREEZING in ready.plan.names:
        results += [
            result_label(
                label,
                "screen-freezing-issue",
                f.start_ms,
                f.end_ms,
                name="Screen freezing",
                session=ready.session,
                data={
                    "start_frame": f.start_frame,
                    "end_frame": f.end_frame,
                    "duration_ms": round(f.end_ms - f.start_ms, 3),
                },
            )
            for f in result.freezes
        ]
        messages[tracked_key(SCREEN_FREEZING)] = f"{len(result.freezes)} screen freezes."
    mos = result.series.get(VIDEO_QUALITY_MOS)
    if mos is not None:
        spans = poor_quality_intervals(mos, poor_params)
        results += [_poor_quality_label(ready, span, mos, poor_params) for span in spans]
        messages[POOR_VIDEO_QUALITY] = f"{len(spans)} spans of poor video quality."
    return await finish_request(state, ready, series, results, messages)


def _poor_quality_label(ready: ReadyRequest, span: Any, mos: Any, params: Any) -> Label:
    inside = (mos.t_ms >= span.start_ms) & (mos.t_ms < span.end_ms)
    values = mos.values[inside]
    return result_label(
        ready.label, POOR_VIDEO_QUALITY, span.start_ms, span.end_ms,
        name="Poor video quality", session=ready.session,
        data={
            "mean_mos": round(float(values.mean()), 3) if len(values) else None,
            "min_mos": round(float(values.min()), 3) if len(values) else None,
            "mos_threshold": params.mos_threshold,
        },
    )  # fmt: skip
