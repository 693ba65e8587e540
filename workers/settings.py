"""arq worker settings: every job is registered here with its timeout and retries."""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, ClassVar

import cv2
from arq import func
from arq.connections import RedisSettings

from graph.file_modes import apply_private_umask
from graph.runtime import close_state, open_state
from graph.settings import Settings, load_settings
from workers.chunks import detect_chunks
from workers.face_trace import face_trace, match_faces
from workers.ingest import ingest
from workers.screen_analysis import page_load, screen_analysis
from workers.video_quality import video_quality
from workers.vmaf import vmaf

log = logging.getLogger(__name__)


def job_functions(settings: Settings) -> list[Any]:
    ingest_timeout_s = settings.ingest_timeout_s
    face_trace_timeout_s = settings.face_trace_timeout_s
    analysis_timeout = settings.video_analysis_timeout_s
    return [
        func(ingest, name="ingest", timeout=ingest_timeout_s, max_tries=2),
        # retried after a crash: the job resumes from its last checkpoint; a long video is
        # traced by a chain of jobs of REELGRAPH_FACE_TRACE_SLICE_S each, so the timeout (and
        # the lock arq keeps on a crashed job) stays short
        func(face_trace, name="face_trace", timeout=face_trace_timeout_s, max_tries=3),
        func(match_faces, name="match_faces", timeout=600, max_tries=2),
        # no result kept: its job id (one per session) only blocks a second run while one waits
        func(
            detect_chunks,
            name="detect_chunks",
            timeout=ingest_timeout_s,
            max_tries=2,
            keep_result=0,
        ),
        # request labels (issue 5): each run replaces its own results, so a retry is safe
        func(video_quality, name="video_quality", timeout=analysis_timeout, max_tries=2),
        func(screen_analysis, name="screen_analysis", timeout=analysis_timeout, max_tries=2),
        func(page_load, name="page_load", timeout=analysis_timeout, max_tries=2),
        # the job's own subprocess limit comes first; arq's is the backstop
        func(vmaf, name="vmaf", timeout=settings.vmaf_timeout_s + 60, max_tries=1),
    ]


def _pool_process_setup() -> None:
    """One OpenCV thread per pool process: the pool already spreads work over the cores, and
    OpenCV's own threads would compete with it and with the decoder's (measured: the quality
    suite on a minute of 720p ran in 33 s instead of 37-47 s on 2 cores)."""
    cv2.setNumThreads(1)


async def startup(ctx: dict[str, Any]) -> None:
    """Open the stores and the process pool for CPU-bound work, once per worker process."""
    apply_private_umask()  # the media it downloads and derives are not world-readable
    settings = load_settings()
    ctx["state"] = await open_state(settings)
    ctx["pool_executor"] = ProcessPoolExecutor(
        max_workers=max(1, (os.cpu_count() or 2) - 1), initializer=_pool_process_setup
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    executor = ctx.pop("pool_executor", None)
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)
    state = ctx.pop("state", None)
    if state is not None:
        await close_state(state)


class WorkerSettings:
    """``arq workers.settings.WorkerSettings`` (the embedded stack sets REDIS_URL for it)."""

    functions: ClassVar[list[Any]] = job_functions(load_settings())
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(os.environ.get("REDIS_URL") or "redis://localhost:6379")
    max_jobs = load_settings().worker_max_jobs
    health_check_interval = 10
