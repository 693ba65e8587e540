"""The ``vmaf`` job: a session scored against a reference session with libvmaf (seed 000).

Launched by ``runVmaf`` or by the session tag ``vmaf: <reference_session_id>``. The ``vmaf``
analysis node carries the request (reference, phone model) in its params, and the result's
warnings and pooled means once done; the six per-frame series are written under the source
``vmaf``, so a rerun replaces them. A job whose request was replaced by a newer one (another
reference) while it waited does nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from analysis.media.vmaf import VMAF_SERIES, VmafScores, VmafVideo, run_vmaf
from graph.analyses import Analysis, AnalysisState
from graph.ids import new_id
from graph.sessions import Session, SessionStatus
from graph.state import AppState
from workers.progress import record_result, report, request
from workers.registry import VMAF_KEY as VMAF_KEY
from workers.request_job import stored_series
from workers.runner import Failed, run_for_key

VMAF_SOURCE = "vmaf"
VMAF_TAG = "vmaf"


async def start_vmaf(
    state: AppState, session_id: str, reference_session_id: str, *, phone_model: bool = False
) -> Analysis | None:
    """Mark the session's ``vmaf`` analysis pending with this request and queue the job."""
    params = {"reference_session_id": reference_session_id, "phone_model": phone_model}
    analysis = await request(state, session_id, VMAF_KEY, params=params)
    await state.redis.enqueue_job(
        "vmaf",
        session_id=session_id,
        reference_session_id=reference_session_id,
        phone_model=phone_model,
        _job_id=f"vmaf:{session_id}:{new_id()}",
    )
    return analysis


def _video(session: Session) -> VmafVideo | None:
    if (
        session.status is not SessionStatus.READY
        or session.kind != "video"
        or not (session.media_path and session.width and session.height)
        or not (session.fps and session.frame_count)
    ):
        return None
    path, size = Path(session.media_path), (session.width, session.height)
    return VmafVideo(path, *size, session.frame_count, float(session.fps))


async def vmaf(
    ctx: dict[str, Any], *, session_id: str, reference_session_id: str, phone_model: bool = False
) -> str:
    """Score the session against the reference and replace its VMAF series."""
    state: AppState = ctx["state"]
    found = await state.analyses.of_session(session_id, [VMAF_KEY])
    if not found:
        return "session or request deleted"
    current = found[0]
    asked = current.params or {}
    if asked.get("reference_session_id") != reference_session_id:
        return "superseded by a newer request"
    distorted = await state.sessions.get(session_id, None)
    reference = await state.sessions.get(reference_session_id, None)
    problem = _problem(distorted, reference)
    if problem:
        await report(state, session_id, VMAF_KEY, AnalysisState.ERROR, message=problem)
        return f"error: {problem}"
    assert distorted is not None and reference is not None
    distorted_video, reference_video = _video(distorted), _video(reference)
    assert distorted_video is not None and reference_video is not None
    await report(state, session_id, VMAF_KEY, AnalysisState.RUNNING, progress=0.0)
    settings = state.settings
    work = partial(
        run_vmaf,
        reference_video,
        distorted_video,
        phone_model=phone_model,
        timeout_s=float(settings.vmaf_timeout_s),
        size_limit_mib=settings.vmaf_reference_limit_mib,
    )

    scores: VmafScores | Failed = await run_for_key(
        ctx,
        state,
        session_id,
        VMAF_KEY,
        work,
        internal="internal error while computing VMAF; see the worker log",
        context=f"VMAF of session {session_id}",
    )
    if isinstance(scores, Failed):
        return str(scores)
    series = [
        stored_series(info, s)
        for info, s in zip(VMAF_SERIES.values(), scores.as_series(), strict=True)
    ]
    await state.timeseries.replace(session_id, VMAF_SOURCE, series)
    pooled = {key: round(value, 6) for key, value in scores.pooled.items()}
    result = {**asked, "warnings": scores.warnings, "pooled": pooled}
    await record_result(state, session_id, VMAF_KEY, result)
    message = f"VMAF {pooled.get('vmaf', 0.0):.2f} (mean of {len(scores.t_ms)} frames)."
    await report(state, session_id, VMAF_KEY, AnalysisState.DONE, progress=1.0, message=message)
    return message


def _problem(distorted: Session | None, reference: Session | None) -> str | None:
    if distorted is None:
        return "the session was deleted"
    if reference is None or reference.org_id != distorted.org_id:
        return "the reference session was deleted"
    for role, session in (("distorted", distorted), ("reference", reference)):
        if _video(session) is None:
            return f"the {role} session {session.id} has no ingested video"
    return None


def vmaf_reference_tag(tags: Any) -> str | None:
    """The reference session id of a ``vmaf`` session tag, if the tags have one."""
    value = tags.get(VMAF_TAG) if isinstance(tags, dict) else None
    return value if isinstance(value, str) and value else None


async def start_vmaf_from_tags(state: AppState, session: Session) -> bool:
    """Start VMAF for a ready session tagged ``vmaf: <reference>``, unless that already ran."""
    reference_id = vmaf_reference_tag(session.tags)
    if reference_id is None or session.status is not SessionStatus.READY:
        return False
    found = await state.analyses.of_session(session.id, [VMAF_KEY])
    if found and (found[0].params or {}).get("reference_session_id") == reference_id:
        return False
    await start_vmaf(state, session.id, reference_id)
    return True
