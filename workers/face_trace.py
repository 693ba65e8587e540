"""The ``face_trace`` job: detect → link → co-occurrence → identities/strangers → graph.

Detection runs chunk by chunk in the process pool; each chunk's detections and the checkpoint
(next frame) are saved in one transaction, so a retry after a crash resumes where the last
chunk ended and never duplicates rows. After ``face_trace_slice_s`` of detection the job
queues its own continuation (same run) and returns, so a job never runs long: its timeout,
and the lock arq keeps on a crashed job until that timeout, stay short. A newer run
(``retraceFaces``) supersedes an older one: the older job stops at its next checkpoint.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np

from analysis.errors import MediaError, ModelError
from analysis.faces.cooccurrence import GazeParams
from analysis.faces.decode import FrameSelection
from analysis.faces.detections import Detection
from analysis.faces.linking import LinkParams
from analysis.faces.pipeline import ModelSpec, build_traces, detect_chunk, preload_models
from graph.analyses import AnalysisState
from graph.face_detections import FaceDetection
from graph.faces import FaceTrace, trace_key
from graph.sessions import Session, SessionStatus
from graph.settings import Settings
from graph.state import AppState
from workers.face_people import assign_people
from workers.progress import report

log = logging.getLogger(__name__)
FACE_TRACE_KEY = "face-trace"
DETECT_SHARE = 0.9  # of the progress bar


def model_spec(settings: Settings) -> ModelSpec:
    return ModelSpec(
        settings.models_dir, settings.face_pack, settings.face_threads,
        settings.face_score_threshold,
    )  # fmt: skip


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
    await state.analyses.request(session_id, FACE_TRACE_KEY, params=params)
    await state.redis.enqueue_job(
        "face_trace", session_id=session_id, run_id=run_id, _job_id=f"face_trace:{run_id}"
    )


def to_record(session_id: str, d: Detection, trace_id: int | None) -> FaceDetection:
    return FaceDetection(
        session_id=session_id, frame=d.frame, det_idx=d.det_idx, trace_id=trace_id,
        x=d.x, y=d.y, w=d.w, h=d.h, confidence=d.confidence, quality=d.quality,
        landmarks=[float(v) for v in d.landmarks.reshape(-1)], yaw=d.yaw, pitch=d.pitch,
        roll=d.roll, blur=d.blur,
        embedding=None if d.embedding is None else [float(v) for v in d.embedding],
        interpolated=d.interpolated,
    )  # fmt: skip


def from_record(r: FaceDetection) -> Detection:
    return Detection(
        frame=r.frame, det_idx=r.det_idx, x=r.x, y=r.y, w=r.w, h=r.h, confidence=r.confidence,
        landmarks=np.asarray(r.landmarks, np.float32).reshape(5, 2), yaw=r.yaw,
        pitch=r.pitch, roll=r.roll, blur=r.blur,
        embedding=None if r.embedding is None else np.asarray(r.embedding, np.float32),
        interpolated=r.interpolated,
    )  # fmt: skip


async def face_trace(ctx: dict[str, Any], *, session_id: str, run_id: str) -> str:
    state: AppState = ctx["state"]
    executor: Executor | None = ctx.get("pool_executor")
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
    try:
        outcome = await _trace(state, executor, session, run_id, run.next_frame)
    except (ModelError, MediaError) as exc:
        await report(state, session_id, FACE_TRACE_KEY, AnalysisState.ERROR, message=str(exc))
        return f"error: {exc}"
    except Exception:
        log.exception("face_trace of session %s failed unexpectedly", session_id)
        await report(
            state, session_id, FACE_TRACE_KEY, AnalysisState.ERROR,
            message="internal error while tracing faces; see the worker log",
        )  # fmt: skip
        raise
    return outcome


async def _trace(
    state: AppState, executor: Executor | None, session: Session, run_id: str, next_frame: int
) -> str:
    loop = asyncio.get_running_loop()
    settings = state.settings
    spec = model_spec(settings)
    fps = float(session.fps or 25.0)
    total = max(1, int(session.frame_count or 1))
    await report(
        state, session.id, FACE_TRACE_KEY, AnalysisState.RUNNING,
        progress=round(DETECT_SHARE * min(next_frame, total) / total, 4),
    )  # fmt: skip
    await loop.run_in_executor(executor, preload_models, spec)  # a bad model fails here
    first = await state.keyframes.at_or_before(session.id, 0)
    stream_start_s = (first[1] / 1000.0) if first else 0.0
    chunk = max(settings.face_stride, settings.face_checkpoint_frames)
    started = time.monotonic()
    while next_frame < total:
        end = next_frame + chunk
        last = end >= total
        keyframe = await state.keyframes.at_or_before(session.id, next_frame)
        selection = FrameSelection(
            fps=fps, stride=settings.face_stride, start_frame=next_frame,
            end_frame=None if last else end,
            seek_s=(keyframe[1] / 1000.0) if keyframe and keyframe[0] > 0 else 0.0,
            stream_start_s=stream_start_s,
        )  # fmt: skip
        result = await loop.run_in_executor(
            executor, detect_chunk, Path(session.media_path or ""), selection, spec,
            settings.face_min_size_px,
        )  # fmt: skip
        records = [to_record(session.id, d, None) for d in result.detections]
        saved = await state.face_detections.save_chunk(
            session.id, run_id, records, next_frame=min(end, total), detect_done=last
        )
        if not saved:
            return "superseded by a newer run"
        next_frame = min(end, total)
        await report(
            state, session.id, FACE_TRACE_KEY, AnalysisState.RUNNING,
            progress=round(DETECT_SHARE * next_frame / total, 4),
        )  # fmt: skip
        if next_frame < total and time.monotonic() - started >= settings.face_trace_slice_s:
            # every job advances by at least one chunk, so continuation ids never repeat
            await state.redis.enqueue_job(
                "face_trace", session_id=session.id, run_id=run_id,
                _job_id=f"face_trace:{run_id}:{next_frame}",
            )  # fmt: skip
            return f"continues from frame {next_frame} in the next job"
    return await _link_and_write(state, executor, session, run_id, fps)


async def _link_and_write(
    state: AppState, executor: Executor | None, session: Session, run_id: str, fps: float
) -> str:
    loop = asyncio.get_running_loop()
    settings = state.settings
    detections = [from_record(r) for r in await state.face_detections.detected(session.id)]
    link = LinkParams(
        max_gap_frames=max(2 * settings.face_stride, math.ceil(fps * settings.face_max_gap_s))
    )
    gaze = GazeParams(
        gaze_yaw_min_deg=settings.face_gaze_yaw_deg, gaze_min_frames=max(3, settings.face_stride)
    )
    traces, edges = await loop.run_in_executor(executor, build_traces, detections, link, gaze)
    assignments = [
        (d.frame, d.det_idx, t.trace_id) for t in traces for d in t.detections if not d.interpolated
    ]
    interpolated = [
        to_record(session.id, d, t.trace_id) for t in traces for d in t.detections if d.interpolated
    ]
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
