"""The ``detect_chunks`` job: the shots of a session's video become its ``Chunk`` nodes.

Shot detection (analysis/media/shots.py) decodes the video once in the process pool; the
session's chunks are then replaced in one statement, so a rerun gives the same chunks and
never duplicates them. Progress and failures are reported on the ``chunks`` analysis.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from analysis.media.shots import ShotScan, detect_shots
from graph.analyses import AnalysisState
from graph.chunks import Chunk, chunk_id
from graph.sessions import SessionStatus
from graph.state import AppState
from workers.progress import report, request
from workers.registry import CHUNKS_KEY as CHUNKS_KEY
from workers.runner import Failed, run_for_key


def chunks_job_id(session_id: str) -> str:
    """One queued run per session: enqueueing again while one waits or runs is a no-op."""
    return f"chunks:{session_id}"


async def start_chunks(state: AppState, session_id: str) -> None:
    """Mark the ``chunks`` analysis pending and queue the job (ingest calls this for a video)."""
    params = {
        "threshold": state.settings.shot_threshold,
        "min_frames": state.settings.shot_min_frames,
    }
    await request(state, session_id, CHUNKS_KEY, params=params)
    await state.redis.enqueue_job(
        "detect_chunks", session_id=session_id, _job_id=chunks_job_id(session_id)
    )


async def detect_chunks(ctx: dict[str, Any], *, session_id: str) -> str:
    """Detect the session's shots and replace its chunks with them."""
    state: AppState = ctx["state"]
    session = await state.sessions.get(session_id, None)
    if session is None:
        return "session deleted"
    media_path = session.media_path
    if session.status is not SessionStatus.READY or session.kind != "video" or not media_path:
        message = "The session has no ingested video to cut into chunks."
        await report(state, session_id, CHUNKS_KEY, AnalysisState.ERROR, message=message)
        return "no video"
    await report(state, session_id, CHUNKS_KEY, AnalysisState.RUNNING, progress=0.0)
    settings = state.settings
    detect = partial(
        detect_shots,
        Path(media_path),
        threshold=settings.shot_threshold,
        min_frames=settings.shot_min_frames,
        timeout_s=float(settings.ingest_timeout_s),
        expected_frames=session.frame_count,
    )

    scan: ShotScan | Failed = await run_for_key(
        ctx,
        state,
        session_id,
        CHUNKS_KEY,
        detect,
        internal="internal error while detecting shots; see the worker log",
        context=f"shot detection of session {session_id}",
    )
    if isinstance(scan, Failed):
        return str(scan)
    chunks = [
        Chunk(chunk_id(n), session_id, shot.start_frame, shot.end_frame)
        for n, shot in enumerate(scan.shots, start=1)
    ]
    await state.chunks.replace(session_id, chunks)
    message = f"{len(chunks)} chunks in {scan.frame_count} frames."
    await report(state, session_id, CHUNKS_KEY, AnalysisState.DONE, progress=1.0, message=message)
    return f"{len(chunks)} chunks"
