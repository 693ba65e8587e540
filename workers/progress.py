"""Analysis progress: write the ``Analysis`` node and publish the same event, in one call."""

from __future__ import annotations

from typing import Any

from graph.analyses import AnalysisState
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
