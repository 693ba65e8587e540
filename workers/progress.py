"""The one writer of ``Analysis`` state: every change of a node, with its event, goes through here.

A key is moved either by one session-level job (``ingest``, ``chunks``, ``face-trace``,
``vmaf``: ``request`` then ``report``) or by the runs of request labels (``report_runs``):
several labels may ask for the same key, and the node sums their runs up. Both write the node
by the same rules (``_write``):

- PENDING: progress 0, start and finish times cleared;
- RUNNING: the progress given (None when unknown, and always for a key with several runs);
  the start time is kept from the first RUNNING;
- DONE or ERROR: progress 1, finish time now.

Runs sum up as: running while any run is, else pending while any is, else error when one
failed, else done; the message is the run's own when there is one run, else a count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.analyses import Analysis, AnalysisState
from graph.analysis_runs import Run, RunLedger
from graph.events import publish
from graph.ids import to_json
from graph.state import AppState


@dataclass(frozen=True)
class RunSummary:
    """What a key's runs add up to; ``state`` None when no run is left."""

    key: str
    state: AnalysisState | None
    message: str | None
    sources: tuple[str, ...]


def summarise(key: str, runs: Sequence[Run]) -> RunSummary:
    """A key's runs → the key's state and message."""
    if not runs:
        return RunSummary(key, None, None, ())
    states = [run.state for run in runs]
    failed = [run.message or "failed" for run in runs if run.state is AnalysisState.ERROR]
    if AnalysisState.RUNNING in states:
        state = AnalysisState.RUNNING
    elif AnalysisState.PENDING in states:
        state = AnalysisState.PENDING
    elif failed:
        state = AnalysisState.ERROR
    else:
        state = AnalysisState.DONE
    if len(runs) == 1:
        message = runs[0].message
    elif failed:
        message = f"{len(failed)} of {len(runs)} runs failed: " + "; ".join(failed)
    else:
        message = f"{sum(s.finished for s in states)} of {len(runs)} runs finished."
    return RunSummary(key, state, message, tuple(run.source_id for run in runs))


async def _write(
    state: AppState,
    session_id: str,
    key: str,
    analysis_state: AnalysisState,
    *,
    message: str | None,
    progress: float | None,
) -> None:
    if analysis_state.finished:
        progress = 1.0
    elif analysis_state is AnalysisState.PENDING:
        progress = 0.0
    await state.analyses.put(session_id, key, analysis_state, message=message, progress=progress)
    event = {
        "type": "analysis",
        "key": key,
        "state": analysis_state.value,
        "progress": progress,
        "message": message,
    }
    await publish(state.redis, session_id, event)


async def request(
    state: AppState, session_id: str, key: str, *, params: Any = None
) -> Analysis | None:
    """A session-level job's key back to PENDING, carrying the request's ``params``."""
    analysis = await state.analyses.request(session_id, key, params=params)
    if analysis is not None:
        await _write(state, session_id, key, AnalysisState.PENDING, message=None, progress=None)
    return analysis


async def report(
    state: AppState,
    session_id: str,
    key: str,
    analysis_state: AnalysisState,
    *,
    progress: float | None = None,
    message: str | None = None,
) -> None:
    """A session-level job's key moves (it has one run: the job)."""
    await _write(state, session_id, key, analysis_state, message=message, progress=progress)


async def record_result(state: AppState, session_id: str, key: str, params: Any) -> None:
    """Keep a finished job's result beside its request in the node's params."""
    await state.analyses.update(session_id, key, params=to_json(params))


async def report_runs(
    state: AppState,
    session_id: str,
    source_id: str,
    keys: Sequence[str],
    analysis_state: AnalysisState,
    *,
    messages: Mapping[str, str | None] | None = None,
) -> None:
    """Set one source's run of each key, then write each key's summed-up node and event.

    A key with no run left (its last request label deleted) loses its ``Analysis`` node.
    """
    async with state.analysis_runs.locked(session_id, keys) as ledger:
        for key in keys:
            await ledger.set(key, source_id, analysis_state, (messages or {}).get(key))
            await _write_summary(state, session_id, ledger, key, None)


async def report_run_progress(
    state: AppState, session_id: str, source_id: str, keys: Sequence[str], fraction: float
) -> None:
    """A running source's share done; shown on the keys it alone is running."""
    async with state.analysis_runs.locked(session_id, keys) as ledger:
        for key in keys:
            await _write_summary(state, session_id, ledger, key, (source_id, fraction))


async def fail_runs(state: AppState, session_id: str, source_id: str, message: str) -> None:
    """Every run the source has fails with ``message``."""
    keys = await state.analysis_runs.keys_of_source(session_id, source_id)
    if keys:
        messages = dict.fromkeys(keys, message)
        await report_runs(
            state, session_id, source_id, keys, AnalysisState.ERROR, messages=messages
        )


async def forget_runs(state: AppState, session_id: str, source_id: str) -> list[str]:
    """Remove a deleted source's runs and rewrite the nodes of the keys it had runs of."""
    keys = await state.analysis_runs.keys_of_source(session_id, source_id)
    if keys:
        async with state.analysis_runs.locked(session_id, keys) as ledger:
            for key in keys:
                await ledger.remove_source(key, source_id)
                await _write_summary(state, session_id, ledger, key, None)
    return keys


async def _write_summary(
    state: AppState,
    session_id: str,
    ledger: RunLedger,
    key: str,
    progress_of: tuple[str, float] | None,
) -> None:
    """Write ``key``'s node from its runs; with ``progress_of`` (source, share) only when that
    source's run is the key's only one and is running."""
    summary = summarise(key, await ledger.runs(key))
    if summary.state is None:
        await state.analyses.delete(session_id, key)
        return
    progress = None
    if progress_of is not None:
        source_id, progress = progress_of
        if summary.sources != (source_id,) or summary.state is not AnalysisState.RUNNING:
            return
    await _write(state, session_id, key, summary.state, message=summary.message, progress=progress)
