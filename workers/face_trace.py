"""The ``face_trace`` job: detect → link → co-occurrence → identities/strangers → graph.

Detection runs chunk by chunk in the process pool; each chunk's detections and the checkpoint
(next frame) are saved in one transaction, so a retry after a crash resumes where the last
chunk ended and never duplicates rows. After ``face_trace_slice_s`` of detection the job
queues its own continuation (same run) and returns, so a job never runs long: its timeout,
and the lock arq keeps on a crashed job until that timeout, stay short. A newer run
(``retraceFaces``) supersedes an older one: the older job stops at its next checkpoint.
"""

from __future__ import annotations

import json
import math
import time
from functools import partial
from pathlib import Path
from typing import Any

from analysis.faces.cooccurrence import GazeParams
from analysis.faces.decode import FrameSelection
from analysis.faces.linking import LinkParams
from analysis.faces.pipeline import ModelSpec, build_traces, detect_chunk, preload_models
from graph.analyses import AnalysisState
from graph.faces import FaceTrace, trace_key
from graph.sessions import Session, SessionStatus
from graph.settings import Settings
from graph.state import AppState
from workers.face_people import assign_people
from workers.progress import report, request
from workers.registry import FACE_TRACE_KEY as FACE_TRACE_KEY
from workers.runner import guarded, in_pool

DETECT_SHARE = 0.9  # of the progress bar


def model_spec(settings: Settings) -> ModelSpec:
    """The face models the settings choose."""
    return ModelSpec(
        settings.models_dir,
        settings.face_pack,
        settings.face_threads,
        settings.face_score_threshold,
    )


def run_params(settings: Settings) -> dict[str, Any]:
    """What a run's detections depend on (a checkpoint is only resumed with the same)."""
    return {
        "pack": settings.face_pack,
        "stride": settings.face_stride,
        "score_threshold": settings.face_score_threshold,
        "min_size_px": settings.face_min_size_px,
    }


async def start_face_trace(state: AppState, session_id: str) -> None:
    """Reset the session's face run and queue the job (ingest and ``retraceFaces`` call this)."""
    params = run_params(state.settings)
    run_id = await state.face_detections.start_run(session_id, json.dumps(params))
    await request(state, session_id, FACE_TRACE_KEY, params=params)
    await state.redis.enqueue_job(
        "face_trace", session_id=session_id, run_id=run_id, _job_id=f"face_trace:{run_id}"
    )


async def face_trace(ctx: dict[str, Any], *, session_id: str, run_id: str) -> str:
    """Trace the faces of the session's run from its checkpoint (one slice of it)."""
    state: AppState = ctx["state"]
    session = await state.sessions.get(session_id, None)
    if session is None:
        return "session deleted"
    run = await state.face_detections.run(session_id)
    if run is None or run.run_id != run_id:
        return "superseded by a newer run"
    if session.status is not SessionStatus.READY or not session.fps or not session.media_path:
        message = "The session has no ingested video to trace faces in."
        await report(state, session_id, FACE_TRACE_KEY, AnalysisState.ERROR, message=message)
        return "no video"

    async def fail(message: str) -> None:
        await report(state, session_id, FACE_TRACE_KEY, AnalysisState.ERROR, message=message)

    outcome = await guarded(
        _trace(ctx, session, run_id, run.next_frame),
        fail=fail,
        internal="internal error while tracing faces; see the worker log",
        context=f"face_trace of session {session_id}",
    )
    return str(outcome)


async def _detected(state: AppState, session_id: str, frames: float, total: int) -> None:
    """Report ``frames`` of ``total`` detected (detection is ``DETECT_SHARE`` of the work)."""
    progress = round(DETECT_SHARE * min(frames, total) / total, 4)
    await report(state, session_id, FACE_TRACE_KEY, AnalysisState.RUNNING, progress=progress)


async def _trace(ctx: dict[str, Any], session: Session, run_id: str, next_frame: int) -> str:
    state: AppState = ctx["state"]
    settings = state.settings
    spec = model_spec(settings)
    fps = float(session.fps or 25.0)
    total = max(1, int(session.frame_count or 1))
    await _detected(state, session.id, next_frame, total)
    await in_pool(ctx, partial(preload_models, spec))  # a bad model fails here
    first = await state.keyframes.at_or_before(session.id, 0)
    stream_start_s = (first[1] / 1000.0) if first else 0.0
    chunk = max(settings.face_stride, settings.face_checkpoint_frames)
    started = time.monotonic()
    while next_frame < total:
        end = next_frame + chunk
        last = end >= total
        keyframe = await state.keyframes.at_or_before(session.id, next_frame)
        selection = FrameSelection(
            fps=fps,
            stride=settings.face_stride,
            start_frame=next_frame,
            end_frame=None if last else end,
            seek_s=(keyframe[1] / 1000.0) if keyframe and keyframe[0] > 0 else 0.0,
            stream_start_s=stream_start_s,
        )
        work = partial(
            detect_chunk,
            Path(session.media_path or ""),
            selection,
            spec,
            settings.face_min_size_px,
            expected_end=min(end, total),
        )
        start, span = next_frame, min(end, total) - next_frame

        async def detected(share: float, start: int = start, span: int = span) -> None:
            await _detected(state, session.id, start + share * span, total)

        result = await in_pool(ctx, work, on_progress=detected)
        saved = await state.face_detections.save_chunk(
            session.id, run_id, result.detections, next_frame=min(end, total), detect_done=last
        )
        if not saved:
            return "superseded by a newer run"
        next_frame = min(end, total)
        await _detected(state, session.id, next_frame, total)
        if next_frame < total and time.monotonic() - started >= settings.face_trace_slice_s:
            # every job advances by at least one chunk, so continuation ids never repeat
            continuation = f"face_trace:{run_id}:{next_frame}"
            await state.redis.enqueue_job(
                "face_trace", session_id=session.id, run_id=run_id, _job_id=continuation
            )
            return f"continues from frame {next_frame} in the next job"
    return await _link_and_write(ctx, session, run_id, fps)


async def _link_and_write(ctx: dict[str, Any], session: Session, run_id: str, fps: float) -> str:
    state: AppState = ctx["state"]
    settings = state.settings
    detections = [r.detection() for r in await state.face_detections.detected(session.id)]
    link = LinkParams(
        max_gap_frames=max(2 * settings.face_stride, math.ceil(fps * settings.face_max_gap_s))
    )
    gaze = GazeParams(
        gaze_yaw_min_deg=settings.face_gaze_yaw_deg, gaze_min_frames=max(3, settings.face_stride)
    )
    traces, edges = await in_pool(ctx, partial(build_traces, detections, link, gaze))
    assignments = [
        (d.frame, d.det_idx, t.trace_id) for t in traces for d in t.detections if not d.interpolated
    ]
    interpolated = [(t.trace_id, d) for t in traces for d in t.detections if d.interpolated]
    embeddings = {t.trace_id: e for t in traces if (e := t.mean_embedding()) is not None}
    if not await state.face_detections.write_traces(
        session.id, run_id, assignments, interpolated, embeddings
    ):
        return "superseded by a newer run"
    reps = await state.face_detections.representatives(
        session.id, {t.trace_id: [t.trace_id] for t in traces}
    )
    await state.faces.replace_traces(
        session.id,
        session.org_id,
        [
            FaceTrace(
                session.id,
                t.trace_id,
                t.start_frame,
                t.end_frame,
                t.face_count,
                reps.get(t.trace_id),
            )
            for t in traces
        ],
    )
    await state.faces.replace_edges(
        session.id,
        [
            {
                "a": trace_key(session.id, e.trace_a),
                "b": trace_key(session.id, e.trace_b),
                "first_frame": e.first_frame,
                "last_frame": e.last_frame,
                "total_frames": e.total_frames,
                "mutual_gaze": e.mutual_gaze,
                "mutual_gaze_first_frame": e.mutual_gaze_first_frame,
            }
            for e in edges
        ],
    )
    identified, strangers = await assign_people(state, session.id, session.org_id)
    message = (
        f"Face tracing completed: {len(traces)} traces, {identified} identified, "
        f"{strangers} strangers."
    )
    await report(
        state, session.id, FACE_TRACE_KEY, AnalysisState.DONE, progress=1.0, message=message
    )
    return message


async def match_faces(ctx: dict[str, Any], *, org_id: str, session_ids: list[str]) -> str:
    """Re-match traced sessions after the gallery changed (new or merged identities)."""
    state: AppState = ctx["state"]
    done = 0
    for session_id in session_ids:
        session = await state.sessions.get(session_id, org_id)
        run = await state.face_detections.run(session_id)
        if session is None or run is None or not run.linked:
            continue
        await assign_people(state, session_id, org_id)
        done += 1
    return f"re-matched {done} sessions"
