"""A face_trace run killed halfway (SIGKILL of a real worker process) resumes and matches."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.server import worker_env
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.face_api import FACE_SETTINGS, session_faces, snapshot, upload_session

pytestmark = pytest.mark.timeout(300)
REPO = Path(__file__).resolve().parents[2]
RETRACE = "mutation($s: ID!) { retraceFaces(sessionId: $s) { state } }"


def _start_worker(state: AppState, log: Path) -> subprocess.Popen[bytes]:
    env = worker_env(state.settings)
    env.update(
        REELGRAPH_FACE_TRACE_ON_INGEST="false",
        REELGRAPH_FACE_STRIDE=str(FACE_SETTINGS["face_stride"]),
        REELGRAPH_FACE_CHECKPOINT_FRAMES=str(FACE_SETTINGS["face_checkpoint_frames"]),
    )
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "arq", "workers.settings.WorkerSettings"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


async def test_killed_run_resumes_from_its_checkpoint(
    api: ApiClient,
    run_worker: Any,
    run_face_worker: Any,
    faces_video: Path,
    state: AppState,
    tmp_path: Path,
) -> None:
    reference = await upload_session(api, faces_video)
    killed = await upload_session(api, faces_video)
    await run_worker()  # ingest only: this worker's settings do not trace on ingest
    await api.gql(RETRACE, s=reference)
    await run_face_worker()
    expected = snapshot(await session_faces(api, reference))
    expected_rows = await state.face_detections.count(reference)

    await api.gql(RETRACE, s=killed)
    run = await state.face_detections.run(killed)
    assert run is not None
    worker = _start_worker(state, tmp_path / "worker.log")
    try:
        for _ in range(1200):
            current = await state.face_detections.run(killed)
            assert current is not None
            if current.next_frame >= FACE_SETTINGS["face_checkpoint_frames"]:
                break
            await asyncio.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    halfway = await state.face_detections.run(killed)
    assert halfway is not None and not halfway.linked, (tmp_path / "worker.log").read_text()
    assert 0 < halfway.next_frame < 300, halfway
    assert await state.face_detections.count(killed) > 0
    assert await state.faces.trace_count(killed) == 0

    # arq keeps a crashed job "in progress" until its lock expires; expire it now
    await state.redis.delete(f"arq:in-progress:face_trace:{run.run_id}")
    await run_face_worker()
    resumed = await session_faces(api, killed)
    assert snapshot(resumed) == expected
    assert await state.face_detections.count(killed) == expected_rows
    assert [a["state"] for a in resumed["analyses"] if a["key"] == "face-trace"] == ["DONE"]


async def test_missing_models_fail_the_job_with_a_clear_message(
    api: ApiClient, run_worker: Any, face_state: AppState, faces_video: Path, tmp_path: Path
) -> None:
    import dataclasses

    from tests.support.worker import run_worker_burst

    session_id = await upload_session(api, faces_video)
    await run_worker()
    await api.gql(RETRACE, s=session_id)
    broken = dataclasses.replace(
        face_state, settings=face_state.settings.with_overrides(models_dir=tmp_path)
    )
    await run_worker_burst(broken)
    session = await session_faces(api, session_id)
    (face_trace,) = [a for a in session["analyses"] if a["key"] == "face-trace"]
    assert face_trace["state"] == "ERROR"
    assert "face_detection_yunet_2023mar.onnx is missing" in face_trace["message"]
    assert "make install" in face_trace["message"]
    assert session["faceTraces"]["totalCount"] == 0


async def test_a_chain_of_short_jobs_gives_the_same_result(
    api: ApiClient,
    run_worker: Any,
    run_face_worker: Any,
    face_state: AppState,
    faces_video: Path,
) -> None:
    """With a zero slice every checkpoint chunk is its own job; the result does not change."""
    import dataclasses

    from tests.support.worker import run_worker_burst

    reference = await upload_session(api, faces_video)
    sliced = await upload_session(api, faces_video)
    await run_worker()
    await api.gql(RETRACE, s=reference)
    await run_face_worker()
    await api.gql(RETRACE, s=sliced)
    chained = dataclasses.replace(
        face_state, settings=face_state.settings.with_overrides(face_trace_slice_s=0.0)
    )
    jobs = await run_worker_burst(chained)
    assert jobs == 300 // FACE_SETTINGS["face_checkpoint_frames"]  # one job per chunk
    assert snapshot(await session_faces(api, sliced)) == snapshot(
        await session_faces(api, reference)
    )
