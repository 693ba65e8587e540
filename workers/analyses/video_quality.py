"""``video-content`` labels: the video quality suite over the label's interval.

One decode pass (analysis/quality/suite.py) in the process pool; each metric becomes a time
series under the label's id; screen freezes become ``screen-freezing-issue`` result labels and,
when MOS ran, spans of poor MOS become ``poor-video-quality-issue`` labels, all in the
request's label group. Screen freezing runs only on sessions tagged
``{"analysis": "screen freezing"}``, as seed 000 says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from analysis.quality.suite import (
    QUALITY_KEYS,
    QUALITY_SERIES,
    SCREEN_FREEZING,
    VIDEO_QUALITY_MOS,
    QualityParams,
    QualityRequest,
    QualityResult,
    run_quality_suite,
)
from analysis.screen.intervals import TimeSpan
from analysis.screen.poor_quality import PoorQualityParams, poor_quality_intervals
from analysis.series import Series
from graph.errors import ErrorCode, InvalidInput
from graph.labels import Label
from graph.sessions import Session
from workers.registry import AnalysisSpec, Outcome, each_tracked, register, tracked_key
from workers.request_job import ReadyRequest, result_label, stored_series

POOR_VIDEO_QUALITY = "poor-video-quality-issue"
FREEZING_TAG = ("analysis", "screen freezing")
POOR = PoorQualityParams()


def has_freezing_tag(tags: Any) -> bool:
    key, value = FREEZING_TAG
    if isinstance(tags, Mapping):
        found = tags.get(key)
        return found == value or (isinstance(found, list) and value in found)
    return False


def _choose(names: tuple[str, ...], picked: bool, session: Session) -> tuple[str, ...]:
    """Screen freezing needs the session tag: skipped from the default suite, refused when
    picked."""
    if SCREEN_FREEZING not in names or has_freezing_tag(session.tags):
        return names
    if picked:
        raise InvalidInput(
            'screen_freezing needs the session tag {"analysis": "screen freezing"}',
            code=ErrorCode.SCREEN_FREEZING_NEEDS_TAG,
        )
    return tuple(n for n in names if n != SCREEN_FREEZING)


def _work(ready: ReadyRequest) -> Callable[..., QualityResult]:
    quality_params, _ = ready.plan.params
    label = ready.label
    request = QualityRequest(
        start_ms=label.start_ms,
        end_ms=label.end_ms,
        keys=ready.plan.names,
        box=ready.plan.box,
        params=quality_params,
    )
    return partial(run_quality_suite, Path(ready.media_path), ready.fps, request)


def _outcome(ready: ReadyRequest, result: QualityResult) -> Outcome:
    _, poor_params = ready.plan.params
    series = [stored_series(QUALITY_SERIES[key], s) for key, s in result.series.items()]
    messages: dict[str, str | None] = {
        tracked_key(key): f"{len(s)} points." for key, s in result.series.items()
    }
    labels: list[Label] = []
    if SCREEN_FREEZING in ready.plan.names:
        labels += [
            result_label(
                ready,
                "screen-freezing-issue",
                f.start_ms,
                f.end_ms,
                name="Screen freezing",
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
        labels += [_poor_quality_label(ready, span, mos, poor_params) for span in spans]
        messages[POOR_VIDEO_QUALITY] = f"{len(spans)} spans of poor video quality."
    return Outcome(series, labels, messages)


def _poor_quality_label(
    ready: ReadyRequest, span: TimeSpan, mos: Series, params: PoorQualityParams
) -> Label:
    inside = (mos.t_ms >= span.start_ms) & (mos.t_ms < span.end_ms)
    values = mos.values[inside]
    data: dict[str, object] = {
        "mean_mos": round(float(values.mean()), 3) if len(values) else None,
        "min_mos": round(float(values.min()), 3) if len(values) else None,
        "mos_threshold": params.mos_threshold,
    }
    name = "Poor video quality"
    return result_label(ready, POOR_VIDEO_QUALITY, span.start_ms, span.end_ms, name=name, data=data)


SPEC = register(
    AnalysisSpec(
        job="video_quality",
        request_types=("video-content",),
        result_types=("screen-freezing-issue", POOR_VIDEO_QUALITY),
        analyses={
            **each_tracked(QUALITY_KEYS),
            VIDEO_QUALITY_MOS: (tracked_key(VIDEO_QUALITY_MOS), POOR_VIDEO_QUALITY),
        },
        parameters=(QualityParams(), POOR),
        work=_work,
        outcome=_outcome,
        choose=_choose,
        described_as="the quality suite",
        results_doc=(
            "a time series per metric; `screen-freezing-issue` labels; "
            f"`poor-video-quality-issue` labels (MOS below `mos_threshold` {POOR.mos_threshold:g} "
            f"for `min_duration_ms` {POOR.min_duration_ms:g}) whenever MOS runs"
        ),
    )
)
