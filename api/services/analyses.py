"""Analysis status with seed 000's timeout rules.

The keys a client may track are the registry's (workers/registry.py): every label-driven
analysis' keys, the session-level jobs' and the seed's reserved ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.analyses import Analysis, AnalysisState
from graph.events import wait_for
from workers.registry import trackable_keys


@dataclass(frozen=True)
class AnalysisStatusResult:
    status: str  # "done" | "timeout" | "error"
    message: str
    session_id: str


def wait_budget_s(state: AppState, timeout: float | None) -> float:
    """Seed 000's timeout as seconds to wait: < 0 or omitted waits until done, capped by
    ``analysis_wait_max_s`` so no request hangs forever; 0 does not wait."""
    if timeout is None or math.isnan(timeout) or timeout < 0:
        return state.settings.analysis_wait_max_s
    return min(timeout, state.settings.analysis_wait_max_s)


def _format_seconds(timeout: float) -> str:
    return f"{timeout:g}"


def _verdict(
    analyses: Sequence[Analysis], track: Sequence[str] | None
) -> tuple[bool, list[Analysis]]:
    """(all finished, the failed ones); a tracked key with no analysis yet is unfinished."""
    if track:
        by_key = {a.key: a for a in analyses}
        if any(key not in by_key for key in track):
            return False, []
        relevant = [by_key[key] for key in track]
    else:
        relevant = list(analyses)
    finished = all(a.state.finished for a in relevant)
    return finished, [a for a in relevant if a.state is AnalysisState.ERROR]


def _done_message(track: Sequence[str] | None) -> str:
    if track:
        return f"All of the tracked analyses ({', '.join(track)}) completed for session."
    return "Analysis completed for the session."


def _timeout_message(track: Sequence[str] | None, timeout: float) -> str:
    if track:
        tracked = ", ".join(track)
        return f"At least one of the tracked analyses ({tracked}) not yet completed for session."
    return f"Timeout waiting {_format_seconds(timeout)} seconds for analysis to finish."


def _error_message(failed: Sequence[Analysis]) -> str:
    parts = [f"{a.key}: {a.message or 'failed'}" for a in failed]
    return f"Analysis failed for the session ({'; '.join(parts)})."


async def analysis_status(
    state: AppState,
    principal: Principal,
    session_id: str,
    *,
    track: Sequence[str] | None,
    timeout: float | None,
) -> AnalysisStatusResult:
    """Seed 000: timeout < 0 or omitted waits until done, 0 reads the state, > 0 waits that long.

    An indefinite wait is still bounded by ``analysis_wait_max_s`` so no request hangs forever.
    """
    await require_session(state, principal, session_id)
    track = list(dict.fromkeys(track)) if track else None
    if track:
        trackable = trackable_keys()
        unknown = [key for key in track if key not in trackable]
        if unknown:
            return AnalysisStatusResult(
                "error",
                f"Unknown analyses to track: {', '.join(unknown)}. "
                f"Supported: {', '.join(sorted(trackable))}.",
                session_id,
            )
    budget = wait_budget_s(state, timeout)

    async def finished() -> AnalysisStatusResult | None:
        done, failed = _verdict(await state.analyses.of_session(session_id, track), track)
        if not done:
            return None
        if failed:
            return AnalysisStatusResult("error", _error_message(failed), session_id)
        return AnalysisStatusResult("done", _done_message(track), session_id)

    result = await wait_for(state.redis, session_id, finished, budget)
    if result is not None:
        return result
    shown = timeout if timeout is not None and timeout >= 0 else budget
    return AnalysisStatusResult("timeout", _timeout_message(track, shown), session_id)
