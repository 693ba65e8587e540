"""VMAF requests (seed 000): ``runVmaf`` with the seed's timeout rules and ``vmafStatus``.

The status words are the seed's: ``pending`` while queued or running, ``success`` (with any
warnings about mismatched inputs) and ``error`` (with its message).
"""

from __future__ import annotations

from dataclasses import dataclass

from api.services.analyses import wait_budget_s
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.analyses import Analysis, AnalysisState
from graph.errors import Conflict, ErrorCode, InvalidInput
from graph.events import wait_for
from graph.sessions import Session, SessionStatus
from workers.vmaf import VMAF_KEY, start_vmaf


@dataclass(frozen=True)
class VmafStatus:
    status: str  # "pending" | "success" | "error"
    reference_session_id: str
    distorted_session_id: str
    phone_model: bool = False
    warnings: str | None = None
    message: str | None = None
    vmaf: float | None = None  # mean VMAF over the scored frames, once done


def vmaf_status_of(analysis: Analysis) -> VmafStatus:
    params = analysis.params or {}
    status = {AnalysisState.DONE: "success", AnalysisState.ERROR: "error"}.get(
        analysis.state, "pending"
    )
    pooled = params.get("pooled") or {}
    return VmafStatus(
        status=status,
        reference_session_id=str(params.get("reference_session_id") or ""),
        distorted_session_id=analysis.session_id,
        phone_model=bool(params.get("phone_model")),
        warnings=params.get("warnings") if status == "success" else None,
        message=analysis.message if status == "error" else None,
        vmaf=pooled.get("vmaf") if status == "success" else None,
    )


def _require_video(session: Session, role: str) -> None:
    if session.status is not SessionStatus.READY:
        raise Conflict(
            f"the {role} session {session.id} is not ingested yet", code=ErrorCode.SESSION_NOT_READY
        )
    if session.kind != "video":
        raise InvalidInput(f"the {role} session {session.id} has no video", code=ErrorCode.NO_VIDEO)


async def request_vmaf(
    state: AppState,
    principal: Principal,
    session_id: str,
    reference_session_id: str,
    *,
    timeout: float | None,
    phone_model: bool = False,
) -> VmafStatus:
    """Queue VMAF of the session against the reference; wait as the seed's ``timeout`` says.

    timeout < 0 (or omitted) waits until done (bounded by ``analysis_wait_max_s``), 0 answers
    ``pending`` at once, > 0 waits up to that many seconds.
    """
    if session_id == reference_session_id:
        raise InvalidInput(
            "a session cannot be its own VMAF reference", code=ErrorCode.SAME_SESSION
        )
    distorted = await require_session(state, principal, session_id)
    reference = await require_session(state, principal, reference_session_id)
    _require_video(distorted, "distorted")
    _require_video(reference, "reference")
    analysis = await start_vmaf(state, distorted.id, reference.id, phone_model=phone_model)
    assert analysis is not None
    if analysis.state.finished:
        return vmaf_status_of(analysis)
    latest = analysis

    async def finished() -> Analysis | None:
        nonlocal latest
        found = await state.analyses.of_session(distorted.id, [VMAF_KEY])
        if not found:  # the session was deleted meanwhile: answer what was last seen
            return latest
        latest = found[0]
        return latest if latest.state.finished else None

    await wait_for(state.redis, distorted.id, finished, wait_budget_s(state, timeout))
    return vmaf_status_of(latest)


async def vmaf_status(state: AppState, principal: Principal, session_id: str) -> VmafStatus | None:
    """The session's VMAF request and result; None when VMAF was never requested."""
    await require_session(state, principal, session_id)
    found = await state.analyses.of_session(session_id, [VMAF_KEY])
    return vmaf_status_of(found[0]) if found else None
