"""The job of every label-driven analysis: one coroutine, generic over the spec it runs.

A job re-reads its label, re-plans it, runs the spec's pool call (progress from inside the
pool moves the label's runs), writes the spec's series and result labels under the label's id
(replacing a previous run's), and checks that the label still exists afterwards, so a label
deleted mid-run leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from analysis.errors import MediaError, ModelError
from analysis.series import Series, SeriesInfo
from graph.analyses import AnalysisState
from graph.errors import InvalidInput
from graph.ids import new_id, now_s
from graph.labels import Label
from graph.sessions import Session, SessionStatus
from graph.state import AppState
from graph.timeseries import TimeSeriesPoints
from workers.progress import fail_runs, forget_runs, report_run_progress, report_runs
from workers.registry import AnalysisSpec, Outcome
from workers.request_plan import RequestPlan, plan_of
from workers.runner import Failed, run_in_pool

# What a spec's pool call may raise that is the request's fault or the media's, not a bug.
REQUEST_ERRORS = (MediaError, ModelError, ValueError)
# What each medium needs of an ingested session before a job can run on it.
_MEDIA_PROBLEMS = {
    "video": "the session has no decodable video",
    "audio": "the session has no audio",
    "any": "the session has no media",
}


@dataclass(frozen=True)
class ReadyRequest:
    """A request label about to run: its session, its plan and the media to read."""

    label: Label
    session: Session
    plan: RequestPlan
    media_path: str  # the media file; for an audio spec, the session's 16 kHz mono WAV
    fps: float  # 0 for a session without video


def job_of(spec: AnalysisSpec) -> Callable[..., Coroutine[Any, Any, str]]:
    """The arq coroutine of ``spec``'s job (named after it)."""

    async def job(ctx: dict[str, Any], *, label_id: str) -> str:
        if spec.run is not None:
            return await spec.run(ctx, label_id)
        return await run_request(ctx, spec, label_id)

    job.__name__ = job.__qualname__ = spec.job
    job.__doc__ = f"Run a {', '.join(spec.request_types)} label's analyses."
    return job


async def run_request(ctx: dict[str, Any], spec: AnalysisSpec, label_id: str) -> str:
    """Run one request label of ``spec`` and replace its previous results."""
    assert spec.work is not None and spec.outcome is not None  # register() checked
    state: AppState = ctx["state"]
    ready = await start_request(state, label_id, spec)
    if isinstance(ready, str):
        return ready
    session_id, tracked = ready.session.id, ready.plan.tracked

    async def progress(fraction: float) -> None:
        await report_run_progress(state, session_id, label_id, tracked, fraction)

    async def fail(message: str) -> None:
        await fail_request(state, ready, message)

    result = await run_in_pool(
        ctx,
        spec.work(ready),
        fail=fail,
        internal=f"internal error in {spec.described_as}; see the worker log",
        context=f"{spec.job} of label {label_id}",
        expected=REQUEST_ERRORS,
        on_progress=progress if spec.progress else None,
    )
    if isinstance(result, Failed):
        return str(result)
    return await finish_request(state, ready, spec.outcome(ready, result))


async def start_request(state: AppState, label_id: str, spec: AnalysisSpec) -> ReadyRequest | str:
    """The label, session and plan of a job about to run, or why it does not run."""
    label = await state.labels.get_any(label_id)
    if label is None:
        return "label deleted"
    session = await state.sessions.get(label.session_id, None)
    if session is None:
        return "session deleted"
    if session.status is SessionStatus.ERROR:
        message = f"the session's media could not be ingested: {session.error or 'error'}"
        await fail_runs(state, session.id, label.id, message)
        return "session failed"
    if session.status is not SessionStatus.READY:
        return "waiting for ingest"  # queue_waiting_requests queues it again
    try:
        plan = plan_of(label, session)
    except InvalidInput as exc:
        await fail_runs(state, session.id, label.id, str(exc))
        return f"error: {exc}"
    if plan is None or plan.spec.job != spec.job:
        return "not a request for this job"
    media_path = _media_path(spec, session)
    if media_path is None:
        await fail_runs(state, session.id, label.id, _MEDIA_PROBLEMS[spec.media])
        return f"no {spec.media if spec.media != 'any' else 'media'}"
    await report_runs(state, session.id, label.id, plan.tracked, AnalysisState.RUNNING)
    return ReadyRequest(label, session, plan, media_path, float(session.fps or 0.0))


def _media_path(spec: AnalysisSpec, session: Session) -> str | None:
    if spec.media == "video":
        return session.media_path if session.media_path and session.fps else None
    if spec.media == "audio":
        return session.audio_path or None
    return session.media_path or None


def stored_series(info: SeriesInfo, series: Series) -> TimeSeriesPoints:
    """An analysis' series as the time-series store takes it."""
    return TimeSeriesPoints(info, series.t_ms.tolist(), series.values.tolist())


def result_label(
    ready: ReadyRequest,
    label_type: str,
    start_ms: float,
    end_ms: float,
    *,
    name: str,
    data: dict[str, object],
) -> Label:
    """A result label in the request's group, marked as written by it."""
    request, session = ready.label, ready.session
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


async def finish_request(state: AppState, ready: ReadyRequest, outcome: Outcome) -> str:
    """Write a run's series and result labels in place of the previous run's, then mark done."""
    label = ready.label
    await state.timeseries.replace(label.session_id, label.id, outcome.series)
    await state.labels.replace_results(label.session_id, label.id, outcome.labels)
    if await state.labels.get_any(label.id) is None:  # deleted while running
        await state.labels.delete_results(label.id)
        await state.timeseries.delete_source(label.session_id, label.id)
        await forget_runs(state, label.session_id, label.id)
        return "label deleted while running"
    await report_runs(
        state,
        label.session_id,
        label.id,
        ready.plan.tracked,
        AnalysisState.DONE,
        messages=outcome.messages,
    )
    points = sum(len(s.t_ms) for s in outcome.series)
    return f"{points} points, {len(outcome.labels)} result labels"


async def fail_request(state: AppState, ready: ReadyRequest, message: str) -> str:
    """Every run of the request fails with ``message``."""
    tracked = ready.plan.tracked
    await report_runs(
        state,
        ready.session.id,
        ready.label.id,
        tracked,
        AnalysisState.ERROR,
        messages=dict.fromkeys(tracked, message),
    )
    return f"error: {message}"
