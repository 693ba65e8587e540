"""Analysis progress: write the ``Analysis`` node and publish the same event, in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.analyses import AnalysisState
from graph.analysis_runs import RunSummary
from graph.events import publish
from graph.ids import now_s
from graph.state import AppState


async def report(
    state: AppState,
    session_id: str,
    key: str,
    analysis_state: AnalysisState,
    *,
    progress: float | None = None,
    message: str | None = None,
) -> None:
    props: dict[str, Any] = {"state": analysis_state.value}
    if progress is not None:
        props["progress"] = progress
    if message is not None:
        props["message"] = message
    if analysis_state is AnalysisState.RUNNING and progress in (None, 0.0):
        props["started_at"] = now_s()
    if analysis_state.finished:
        props["finished_at"] = now_s()
    await state.analyses.update(session_id, key, **props)
    await publish(
        state.redis,
        session_id,
        {
            "type": "analysis",
            "key": key,
            "state": analysis_state.value,
            "progress": progress,
            "message": message,
        },
    )


async def report_runs(
    state: AppState,
    session_id: str,
    source_id: str,
    keys: Sequence[str],
    analysis_state: AnalysisState,
    *,
    messages: Mapping[str, str | None] | None = None,
    progress: float | None = None,
) -> None:
    """Set one source's run of each key, then write each key's summed-up node and event.

    A key with no run left (its last request label deleted) loses its ``Analysis`` node.
    """
    async with state.analysis_runs.locked(session_id, keys) as ledger:
        for key in keys:
            message = (messages or {}).get(key)
            await ledger.set(key, source_id, analysis_state, message)
            await _write_summary(state, session_id, await ledger.summary(key), progress)


async def forget_runs(state: AppState, session_id: str, source_id: str) -> list[str]:
    """Remove a deleted source's runs and rewrite the nodes of the keys it had runs of."""
    keys = await state.analysis_runs.keys_of_source(session_id, source_id)
    if keys:
        async with state.analysis_runs.locked(session_id, keys) as ledger:
            for key in keys:
                await ledger.remove_source(key, source_id)
                await _write_summary(state, session_id, await ledger.summary(key), None)
    return keys


async def _write_summary(
    state: AppState, session_id: str, summary: RunSummary, progress: float | None
) -> None:
    if summary.state is None:
        await state.analyses.delete(session_id, summary.key)
        return
    if summary.state.finished:
        progress = 1.0
    elif summary.runs > 1 or progress is None:
        progress = None if summary.state is AnalysisState.RUNNING else 0.0
    await state.analyses.put(
        session_id, summary.key, summary.state, message=summary.message, progress=progress
    )
    await publish(
        state.redis,
        session_id,
        {
            "type": "analysis",
            "key": summary.key,
            "state": summary.state.value,
            "progress": progress,
            "message": summary.message,
        },
    )
