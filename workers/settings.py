"""arq worker settings: every job is registered here with its timeout and retries.

The session-level jobs are listed below; the label-driven analyses' jobs come from the registry
of specs (workers/registry.py), each with its spec's timeout and tries.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import cv2
from arq import func

from graph.file_modes import apply_private_umask
from graph.runtime import close_state, open_state, redis_settings
from graph.settings import Settings, load_settings
from workers.audio_job import JOB_NAME as AUDIO_JOB
from workers.audio_job import audio_job
from workers.chunks import detect_chunks
from workers.face_trace import face_trace, match_faces
from workers.ingest import ingest
from workers.pcap import JOB_NAME as PCAP_JOB
from workers.pcap import pcap_stats
from workers.registry import specs
from workers.request_job import job_of
from workers.runner import close_progress_manager, progress_manager
from workers.session_audio import JOB_NAME as SESSION_AUDIO_JOB
from workers.session_audio import session_audio
from workers.vmaf import vmaf

log = logging.getLogger(__name__)


def job_functions(settings: Settings) -> list[Any]:
    """Every job the worker runs, with its timeout and tries."""
    ingest_timeout_s = settings.ingest_timeout_s
    face_trace_timeout_s = settings.face_trace_timeout_s
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
        # the job's own subprocess limit comes first; arq's is the backstop
        func(vmaf, name="vmaf", timeout=settings.vmaf_timeout_s + 60, max_tries=1),
        # retried after a crash: the rerun starts over; only the run that finishes the job
        # stores its result and sends its callback
        func(audio_job, name=AUDIO_JOB, timeout=settings.audio_job_timeout_s, max_tries=3),
        # a rerun reads the capture again and replaces the summary and the network series
        func(pcap_stats, name=PCAP_JOB, timeout=settings.video_analysis_timeout_s, max_tries=2),
        # volume, loudness and loudness issues of a session with audio; a rerun replaces them
        func(session_audio, name=SESSION_AUDIO_JOB, timeout=ingest_timeout_s, max_tries=2),
        *(
            func(
                job_of(spec),
                name=spec.job,
                timeout=spec.timeout_s(settings),
                max_tries=spec.max_tries,
            )
            for spec in specs()
        ),
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
    progress_manager(ctx)  # started before any job: pool calls report progress through it


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close the process pool, its progress queues and the stores."""
    close_progress_manager(ctx)
    executor = ctx.pop("pool_executor", None)
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)
    state = ctx.pop("state", None)
    if state is not None:
        await close_state(state)


def worker_settings(settings: Settings | None = None) -> dict[str, Any]:
    """arq's worker settings, from ``settings`` or the environment as the worker starts."""
    settings = settings or load_settings()
    return {
        "functions": job_functions(settings),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": redis_settings(settings.redis_url or "redis://localhost:6379"),
        "max_jobs": settings.worker_max_jobs,
        "health_check_interval": 10,
    }


def __getattr__(name: str) -> dict[str, Any]:
    """``arq workers.settings.WorkerSettings`` (the embedded stack sets REDIS_URL for it): read
    when arq looks it up, not when this module is imported."""
    if name == "WorkerSettings":
        return worker_settings()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
