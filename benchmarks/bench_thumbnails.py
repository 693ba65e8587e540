"""Benchmark: frame-exact thumbnail latency and clip time-to-first-byte (issue 4).

Makes (once, kept in `.reelgraph-bench/media/`) a 10-minute 1280x720 25 fps H.264 video with
10-second GOPs (x264 veryfast, 3 B-frames, AAC tone), ingests it into its own embedded stack,
and requests through the real ASGI app (auth, routes, keyframe index, disk cache):
- `thumbnail?frame=N` for frames around 5 %, 50 % and 95 % of the video: the exact
  percentage frame (a keyframe with these GOPs) and frames at random offsets inside the GOPs
  there (the honest case: decoding from the keyframe up to the frame), uncached and cached;
- the seed's command `ffmpeg -i F -vf select=eq(n\\,N) -frames:v 1 -f image2pipe -c:v mjpeg -`
  on the same file at the same percentage frames, side by side;
- `clip?start_frame=..&end_frame=..` of 10 s at 95 %: time to the first byte and in total.
Run: `.venv/bin/python benchmarks/bench_thumbnails.py [--samples 25]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import socket
import statistics
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import uvicorn
from bench_support import add_session, remove
from starlette.applications import Starlette

from api.app import create_app
from api.services.auth import create_api_key
from api.services.media_cache import media_cache
from api.services.state import Principal
from graph.embedded.stack import start_stack
from graph.runtime import close_state, open_state
from graph.settings import load_settings
from graph.state import AppState

ROOT = Path(__file__).resolve().parent.parent
FPS, SECONDS, GOP_S = 25, 600, 10
FRAMES = FPS * SECONDS
POSITIONS = (0.05, 0.50, 0.95)


def make_video(target: Path) -> Path:
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"making {target.name} (10 min 720p; about 90 s, once)…", flush=True)
    part = target.with_suffix(".part.mp4")
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate={FPS}:duration={SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}",
         "-c:v", "libx264", "-preset", "veryfast", "-g", str(FPS * GOP_S),
         "-keyint_min", str(FPS * GOP_S), "-sc_threshold", "0", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", "-shortest", str(part)],
        check=True,
    )  # fmt: skip
    part.replace(target)
    return target


def seed_way(path: Path, frame: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-vf", f"select=eq(n\\,{frame})",
         "-frames:v", "1", "-f", "image2pipe", "-c:v", "mjpeg", "-"],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


async def timed_get(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = await client.get(url, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return elapsed


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(values) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"


async def bench(state: AppState, video: Path, samples: int) -> None:
    key, org_id = await create_api_key(state.orgs, f"bench-{uuid.uuid4().hex[:8]}")
    principal = Principal(org_id=org_id, scopes=frozenset({"file"}))
    started = time.perf_counter()
    session_id = await add_session(state, principal, video, {"state": state})
    print(f"ingest (probe, keyframe index, audio): {time.perf_counter() - started:.1f} s")
    headers = {"X-API-Key": key}
    cache = media_cache(state.settings)
    base = f"/api/v1/file/{session_id}"
    rng = random.Random(4)
    async with serve(create_app(state=state)) as url, httpx.AsyncClient(base_url=url) as client:
        await timed_get(client, f"{base}/thumbnail?frame=1", headers)  # warm-up (imports)
        print(f"\nthumbnail latency, {samples} random frames within the GOPs at each position")
        for share in POSITIONS:
            exact = int(FRAMES * share)
            gop = FPS * GOP_S
            frames = [exact - exact % gop + rng.randrange(gop) for _ in range(samples)]
            uncached: list[float] = []
            cached: list[float] = []
            for frame in frames:
                cache.drop_session(session_id)
                for timings in (uncached, cached):  # the second request is served from disk
                    timings.append(
                        await timed_get(client, f"{base}/thumbnail?frame={frame}", headers)
                    )
            cache.drop_session(session_id)
            at_exact = await timed_get(client, f"{base}/thumbnail?frame={exact}", headers)
            seed = seed_way(video, exact)
            print(
                f"  {share:4.0%} (frame {exact:5d}): uncached {ms(uncached)} | cached "
                f"{ms(cached)} | exact frame {at_exact * 1000:6.1f} ms | seed's select "
                f"{seed * 1000:8.0f} ms = {seed / statistics.median(uncached):6.0f}x slower "
                f"than our p50, {seed / statistics.median(cached):7.0f}x than cached"
            )
        start = int(FRAMES * 0.95) + 37
        url = f"{base}/clip?start_frame={start}&end_frame={start + 10 * FPS - 1}"
        for label in ("uncached", "cached"):
            if label == "uncached":
                cache.drop_session(session_id)
            began = time.perf_counter()
            first: float | None = None
            size = 0
            async with client.stream("GET", url, headers=headers) as response:
                assert response.status_code == 200
                async for chunk in response.aiter_bytes():
                    first = first or time.perf_counter() - began
                    size += len(chunk)
            total = time.perf_counter() - began
            print(
                f"\n10 s clip at 95 % ({label}): first byte {(first or 0) * 1000:.0f} ms, "
                f"total {total:.2f} s, {size / 1e6:.1f} MB"
            )


@contextlib.asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """The app on a real uvicorn socket (an in-process transport would buffer whole bodies)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn has no "started" event
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def run(samples: int) -> None:
    video = make_video(ROOT / ".reelgraph-bench" / "media" / "ten-minutes-720p.mp4")
    data_dir = ROOT / ".reelgraph-bench" / uuid.uuid4().hex[:12]
    async with AsyncExitStack() as cleanup:
        cleanup.callback(remove, data_dir)
        stack = start_stack(load_settings(data_dir=data_dir, face_trace_on_ingest=False))
        cleanup.callback(stack.stop)
        state = await open_state(stack.settings)
        cleanup.push_async_callback(close_state, state)
        await bench(state, video, samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=25, help="random frames per position")
    args = parser.parse_args()
    asyncio.run(run(args.samples))


if __name__ == "__main__":
    main()
