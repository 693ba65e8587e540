"""Queueing request labels' jobs, and what every such job does around its analysis.

Adding a request label marks its runs pending and queues its job; a session still being
ingested keeps them pending until ingest finishes (``queue_waiting_requests``) or fails
(``fail_waiting_requests``). A job re-reads its label, re-plans it, runs, writes its series and
result labels under the label's id (replacing a previous run's), and checks that the label still
exists afterwards, so a label deleted mid-run leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.series import Series, SeriesInfo
from graph.analyses import AnalysisState
from graph.errors import InvalidInput
from graph.ids import new_id, now_s
from graph.labels import Label
from graph.sessions import Session, SessionStatus
from graph.state import AppState
from graph.timeseries import TimeSeriesInfo, TimeSeriesPoints
from workers.label_requests import REQUEST_TYPES, RequestPlan, is_request, plan_request
from workers.progress import forget_runs, report_runs

log = logging.getLogger(__name__)
MAX_WAITING_LABELS = 10_000


def plan_of(label: Label, session: Session) -> RequestPlan | None:
    return plan_request(
        label.label_type, label.start_ms, label.end_ms, label.data, label.video_box, session
    )


async def queue_requests(state: AppState, session: Session, labels: Sequence[Label]) -> int:
    """Mark each request label's runs pending and queue its job; returns jobs queued."""
    queued = 0
    for label in labels:
        plan = plan_of(label, session)
        if plan is None:
            continue
        await report_runs(state, session.id, label.id, plan.tracked, AnalysisState.PENDING)
        await _enqueue(state, plan.job, label.id)
        queued += 1
    return queued


async def _enqueue(state: AppState, job: str, label_id: str) -> None:
    # a fresh job id per request: a rerun must not be swallowed by a queued earlier run
    await state.redis.enqueue_job(job, label_id=label_id, _job_id=f"{job}:{label_id}:{new_id()}")


async def _request_labels(state: AppState, session_id: str) -> list[Label]:
    found: list[Label] = []
    for label_type in REQUEST_TYPES:
        found += await state.labels.page(
            session_id, limit=MAX_WAITING_LABELS, label_type=label_type
        )
    return found


async def queue_waiting_requests(state: AppState, session: Session) -> int:
    """After ingest: queue the jobs of request labels added while the media was not ready."""
    queued = 0
    for label in await _request_labels(state, session.id):
        try:
            plan = plan_of(label, session)
        except InvalidInput as exc:
            await _fail_plan(state, session.id, label, str(exc))
            continue
        if plan is not None:
            await _enqueue(state, plan.job, label.id)
            queued += 1
    return queued


async def fail_waiting_requests(state: AppState, session: Session, message: str) -> None:
    """Ingest failed: every waiting request of the session fails with its message."""
    for label in await _request_labels(state, session.id):
        await _fail_plan(state, session.id, label, message)


async def _fail_plan(state: AppState, session_id: str, label: Label, message: str) -> None:
    """Every run the label has fails with ``message``."""
    keys = await state.analysis_runs.keys_of_source(session_id, label.id)
    if keys:
        await report_runs(
            state, session_id, label.id, keys, AnalysisState.ERROR,
            messages=dict.fromkeys(keys, message),
        )  # fmt: skip


async def forget_request(state: AppState, label: Label) -> None:
    """A request label is going: delete its result labels, its points and its runs."""
    if not is_request(label.label_type):
        return
    await state.labels.delete_results(label.id)
    await state.timeseries.delete_source(label.session_id, label.id)
    await forget_runs(state, label.session_id, label.id)


@dataclass(frozen=True)
class ReadyRequest:
    label: Label
    session: Session
    plan: RequestPlan
    media_path: str
    fps: float


async def start_request(state: AppState, label_id: str, job: str) -> ReadyRequest | str:
    """The label, session and plan of a job about to run, or why it does not run."""
    label = await state.labels.get_any(label_id)
    if label is None:
        return "label deleted"
    session = await state.sessions.get(label.session_id, None)
    if session is None:
        return "session deleted"
    if session.status is SessionStatus.ERROR:
        message = f"the session's media could not be ingested: {session.error or 'error'}"
        await _fail_plan(state, session.id, label, message)
        return "session failed"
    if session.status is not SessionStatus.READY:
        return "waiting for ingest"  # queue_waiting_requests queues it again
    try:
        plan = plan_of(label, session)
    except InvalidInput as exc:
        await _fail_plan(state, session.id, label, str(exc))
        return f"error: {exc}"
    if plan is None or plan.job != job:
        return "not a request for this job"
    if not session.media_path or not session.fps:
        await _fail_plan(state, session.id, label, "the session has no decodable video")
        return "no video"
    await report_runs(state, session.id, label.id, plan.tracked, AnalysisState.RUNNING)
    return ReadyRequest(label, session, plan, session.media_path, float(session.fps))


def stored_series(info: SeriesInfo, series: Series) -> TimeSeriesPoints:
    """An analysis' series as the time-series store takes it."""
    return TimeSeriesPoints(
        TimeSeriesInfo(info.key, info.name, info.category, info.units),
        series.t_ms.tolist(),
        series.values.tolist(),
    )


def result_label(
    request: Label,
    label_type: str,
    start_ms: float,
    end_ms: float,
    *,
    name: str,
    data: dict[str, object],
    session: Session,
) -> Label:
    """A result label in the request's group, marked as written by it."""
    return Label(
        id=new_id(),
        session_id=session.id,
        org_id=request.org_id,
        label_group_id=request.label_group_id,
        label_type=label_type,
        start_ms=round(start_ms, 3),
        end_ms=round(end_ms, 3),
        ts_start=session.ts_start + start_ms / 1000.0,
        ts_end=session.ts_start + end_ms / 1000.0,
        created_at=now_s(),
        name=name,
        category=label_type.replace("-", " "),
        data=data,
        video_box=request.video_box,
        source_label_id=request.id,
    )


async def finish_request(
    state: AppState,
    ready: ReadyRequest,
    series: Sequence[TimeSeriesPoints],
    results: Sequence[Label],
    messages: dict[str, str | None],
) -> str:
    """Write a run's series and result labels in place of the previous run's, then mark done."""
    label = ready.label
    await state.timeseries.replace(label.session_id, label.id, series)
    await state.labels.replace_results(label.session_id, label.id, results)
    if await state.labels.get_any(label.id) is None:  # deleted while running
        await state.labels.delete_results(label.id)
        await state.timeseries.delete_source(label.session_id, label.id)
        await forget_runs(state, label.session_id, label.id)
        return "label deleted while running"
    await report_runs(
        state, label.session_id, label.id, ready.plan.tracked, AnalysisState.DONE,
        messages=messages,
    )  # fmt: skip
    return f"{sum(len(s.t_ms) for s in series)} points, {len(results)} result labels"


async def fail_request(state: AppState, ready: ReadyRequest, message: str) -> str:
    await report_runs(
        state, ready.session.id, ready.label.id, ready.plan.tracked, AnalysisState.ERROR,
        messages=dict.fromkeys(ready.plan.tracked, message),
    )  # fmt: skip
    return f"error: {message}"
