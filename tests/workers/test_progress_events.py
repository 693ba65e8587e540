"""A long analysis reports progress from inside the worker's process pool, on analysisEvents."""

from __future__ import annotations

import asyncio
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from arq.connections import RedisSettings
from arq.worker import Worker

from graph.events import next_event, subscribed
from graph.state import AppState
from tests.support.analyses import analysis_view, ingest
from tests.support.client import ApiClient
from tests.support.media import ffmpeg
from workers.runner import close_progress_manager, progress_manager
from workers.settings import job_functions

CLIP_S = 60


@pytest.fixture(scope="module")
def minute_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 s of ffmpeg's moving test pattern, 320x240 at 25 fps, no audio."""
    target = tmp_path_factory.mktemp("progress") / "minute.mp4"
    ffmpeg(
        *["-f", "lavfi", "-i", f"testsrc2=s=320x240:r=25:d={CLIP_S}"],
        *["-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p"],
        str(target),
    )
    return target


async def run_pool_worker(state: AppState) -> int:
    """A burst worker whose jobs run their CPU work in a real process pool, as in production."""
    assert state.settings.redis_url
    ctx: dict[str, Any] = {"state": state, "pool_executor": ProcessPoolExecutor(1)}
    progress_manager(ctx)
    worker = Worker(
        functions=job_functions(state.settings),
        redis_settings=RedisSettings.from_dsn(state.settings.redis_url),
        burst=True,
        handle_signals=False,
        poll_delay=0.05,
        ctx=ctx,
        max_jobs=1,
    )
    try:
        await worker.main()
        return worker.jobs_complete
    finally:
        await worker.close()
        close_progress_manager(ctx)
        ctx["pool_executor"].shutdown()


async def test_video_content_publishes_progress_between_zero_and_one(
    api: ApiClient, run_worker: Any, minute_clip: Path, state: AppState
) -> None:
    sid = await ingest(api, run_worker, minute_clip)
    label = {"labelType": "video-content", "startTime": 0, "endTime": CLIP_S * 1000}
    events: list[dict[str, Any]] = []
    async with subscribed(state.redis, sid) as pubsub:
        await api.add_labels(sid, [label])

        async def listen() -> None:
            """Every event until brightness finishes."""
            while (event := await next_event(pubsub, 30.0)) is not None:
                events.append(event)
                if event.get("key") == "brightness" and event["state"] in ("DONE", "ERROR"):
                    return

        listening = asyncio.create_task(listen())
        assert await run_pool_worker(state) == 1
        await asyncio.wait_for(listening, 10.0)
    brightness = [e for e in events if e.get("key") == "brightness"]
    assert [e["state"] for e in brightness][:2] == ["PENDING", "RUNNING"]
    assert brightness[-1]["state"] == "DONE" and brightness[-1]["progress"] == 1.0
    between = [e["progress"] for e in brightness if e["state"] == "RUNNING" and e["progress"]]
    assert len(between) >= 3, brightness
    assert between == sorted(between) and all(0.0 < p < 1.0 for p in between)
    view = await analysis_view(api, sid)
    assert view["analyses"]["brightness"]["state"] == "DONE"
