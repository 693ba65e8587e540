"""Queueing request labels' jobs, and what happens to a request label's runs around ingest.

Adding a request label marks its runs pending and queues its spec's job; a session still being
ingested keeps them pending until ingest finishes (``queue_waiting_requests``) or fails
(``fail_waiting_requests``). Deleting a request label takes its result labels, points and runs
with it (``forget_request``). All of it is generic over the registry of specs.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.analyses import AnalysisState
from graph.errors import InvalidInput
from graph.ids import new_id
from graph.labels import Label
from graph.sessions import Session
from graph.state import AppState
from workers.progress import fail_runs, forget_runs, report_runs
from workers.registry import request_types, spec_for, spec_named
from workers.request_plan import is_request, plan_of

MAX_WAITING_LABELS = 10_000


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


async def admit_requests(state: AppState, session: Session, labels: Sequence[Label]) -> None:
    """Run each spec's store-reading checks on its request labels (InvalidInput when one fails),
    before anything is written."""
    by_spec: dict[str, list[Label]] = {}
    for label in labels:
        spec = spec_for(label.label_type)
        if spec is not None and spec.admit is not None:
            by_spec.setdefault(spec.job, []).append(label)
    for job, admitted in by_spec.items():
        admit = spec_named(job).admit
        if admit is not None:
            await admit(state, session, admitted)


async def _enqueue(state: AppState, job: str, label_id: str) -> None:
    # a fresh job id per request: a rerun must not be swallowed by a queued earlier run
    await state.redis.enqueue_job(job, label_id=label_id, _job_id=f"{job}:{label_id}:{new_id()}")


async def _request_labels(state: AppState, session_id: str) -> list[Label]:
    found: list[Label] = []
    for label_type in request_types():
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
            await fail_runs(state, session.id, label.id, str(exc))
            continue
        if plan is not None:
            await _enqueue(state, plan.job, label.id)
            queued += 1
    return queued


async def fail_waiting_requests(state: AppState, session: Session, message: str) -> None:
    """Ingest failed: every waiting request of the session fails with its message."""
    for label in await _request_labels(state, session.id):
        await fail_runs(state, session.id, label.id, message)


async def forget_request(state: AppState, label: Label) -> None:
    """A request label is going: delete its result labels, its points and its runs."""
    if not is_request(label.label_type):
        return
    await state.labels.delete_results(label.id)
    await state.timeseries.delete_source(label.session_id, label.id)
    await forget_runs(state, label.session_id, label.id)
    spec = spec_for(label.label_type)
    if spec is not None and spec.forget is not None:
        await spec.forget(state, label)
