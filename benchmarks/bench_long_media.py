"""Benchmark: how each step of a session scales from 20 s to 60 minutes of 720p video.

Makes (once, cached outside the repo in `~/.cache/reelgraph-bench/`, or `--cache-dir`) a
1280x720 25 fps H.264 + AAC video: ffmpeg's `testsrc2`, negated for 15 s of every 30 s (four
cuts a minute for shot detection), with Eileen Collins and Grace Hopper (the sprites of
`tests/support/face_media.py`, doubled) drifting over it on a schedule that repeats every minute, so
every minute of video costs the same: Collins 2-25 s and 45-55 s, Hopper 15-40 s. x264
veryfast CRF 23, a keyframe every 250 frames. The lengths asked for are stream-copy `-t`
cuts of one source: the 60-minute one when 60m is asked for or already made, else a source
just long enough (cached under its own name). Then, in its own embedded stack under
`.reelgraph-bench/<random>` (removed at the end), for each length it makes a session and
times, each step in a fresh process pool of the worker's size (spawned and warmed first; for
faces by detecting 10 frames, as in a worker that has traced before):
  ingest     the `ingest` job (probe, keyframe index, 16 kHz audio);
  shots      the `detect_chunks` job;
  faces      the `face_trace` job at the configured stride, in one slice (no continuations),
             linking and graph writes included;
  quality    the `video_quality` job of a `video-content` label over the whole video (the
             session is tagged for screen freezing, so all eight keys run);
  thumbnail  `frame_jpeg` (the thumbnail route's service), mid-GOP near 95 %, media cache
             dropped before each of 5 renders (mean);
  clip       the clip route's service and ffmpeg command, 10 s near 95 % with audio, read to
             the end (cache dropped first);
  labels     `session { labels(first: 100) }` through the ASGI app with 10,000 labels added
             (after 3 warm-up queries; mean of 20).
Memory is the peak resident set (VmHWM) of this process during the step (reset before it) and
the largest of any process below it (pool workers, ffmpeg), sampled every 0.1 s.
The summary gives the first four steps per minute of video and the rest per call, with the
ratio of the longest length to 10m (else to the next longest), flagging ratios outside
0.75-1.25 and peaks that grew more than 25 %.
Run: `.venv/bin/python benchmarks/bench_long_media.py [--lengths 20s,10m,60m | --quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from multiprocessing import get_context, resource_tracker
from pathlib import Path
from typing import Any

import cv2
import httpx
from bench_graphql_labels import QUERY
from bench_support import remove

from analysis.faces.decode import FrameSelection
from analysis.faces.pipeline import detect_chunk
from api.app import create_app
from api.rest.process_stream import stream_stdout, tee_to_cache
from api.services.auth import create_api_key
from api.services.frames import frame_jpeg
from api.services.label_input import validate_label
from api.services.labels import add_labels
from api.services.media_cache import media_cache
from api.services.renders import check_range, clip
from api.services.sessions import create_session
from api.services.state import Principal
from graph.embedded.stack import start_stack
from graph.ids import new_session_id
from graph.runtime import close_state, open_state
from graph.sessions import Session
from graph.settings import load_settings
from graph.state import AppState
from graph.uploads import Upload
from workers.chunks import detect_chunks
from workers.face_trace import face_trace, model_spec, start_face_trace
from workers.ingest import ingest
from workers.registry import spec_named
from workers.request_job import job_of
from workers.settings import _pool_process_setup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the face sprites live in tests/
from tests.support import face_media as fm  # noqa: E402

W, H, FPS, GOP = 1280, 720, 25, 250
FULL_S = 3600
RECIPE = "v1"  # in the cached files' names: change it when the video's recipe changes
PER_MINUTE_STEPS = ("ingest", "shots", "faces", "quality")
LABELS, LABEL_BATCH, QUERIES, THUMBNAILS = 10_000, 1_000, 20, 5
POOL_WORKERS = max(1, (os.cpu_count() or 2) - 1)  # as workers/settings.py sizes its pool
SCREEN_FREEZING_TAG = {"analysis": "screen freezing"}
LIBC = ctypes.CDLL("libc.so.6")
M = "mod(t,60)"  # the second within the minute: the schedule repeats every minute
COLLINS = (
    f"overlay=x='if(lt({M},30),100+10*({M}-2),700+8*({M}-45))':y='180+60*sin(t/3)'"
    f":enable='between({M},2,25)+between({M},45,55)'"
)
HOPPER = f"overlay=x='900-10*({M}-15)':y='160+40*cos(t/4)':enable='between({M},15,40)'"


# ---- media -------------------------------------------------------------------------------


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def sprites(cache: Path) -> list[Path]:
    """Collins and Hopper (tests/support/face_media.py), doubled for 720p, as cached PNGs."""
    made = fm._sprites()
    paths = []
    for person in ("collins", "hopper"):
        path = cache / f"sprite-{person}-720p.png"
        if not path.exists():
            doubled = cv2.resize(made[person], None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)
            cv2.imwrite(str(path), doubled)
        paths.append(path)
    return paths


def make_source(cache: Path, seconds: int) -> Path:
    name = "60min" if seconds == FULL_S else f"{seconds}s"
    target = cache / f"long-{name}-{RECIPE}.mp4"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    collins, hopper = sprites(cache)
    minutes = seconds * FPS / 120 / 60  # x264 veryfast made ~120 fps on 2 cores
    print(f"making {target} ({seconds} s of 720p; ~{minutes:.0f} min on 2 cores, once)…")
    graph = (
        f"[0:v]negate=enable='gte(mod(t,30),15)'[bg];[bg][2:v]{COLLINS}[one];"
        f"[one][3:v]{HOPPER},format=yuv420p[v]"
    )
    part, started = target.with_suffix(".part.mp4"), time.perf_counter()
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s={W}x{H}:r={FPS}:d={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:d={seconds}",
        "-framerate", str(FPS), "-loop", "1", "-i", str(collins),
        "-framerate", str(FPS), "-loop", "1", "-i", str(hopper),
        "-filter_complex", graph, "-map", "[v]", "-map", "1:a", "-t", str(seconds),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", str(GOP),
        "-keyint_min", str(GOP), "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", str(part),
    )  # fmt: skip
    part.replace(target)
    took = time.perf_counter() - started
    print(
        f"generated in {took:.0f} s ({seconds * FPS / took:.0f} fps, {seconds / took:.2f}x real "
        f"time): {target.stat().st_size / 1e6:.0f} MB"
    )
    return target


def source_for(cache: Path, longest_s: int) -> Path:
    """The 60-minute source if made or needed, else the shortest cached one that is long
    enough, else a new one of ``longest_s``."""
    full = cache / f"long-60min-{RECIPE}.mp4"
    if full.exists() or longest_s == FULL_S:
        return make_source(cache, FULL_S)
    found = sorted(
        (int(m.group(1)), p)
        for p in cache.glob(f"long-*s-{RECIPE}.mp4")
        if (m := re.fullmatch(rf"long-(\d+)s-{RECIPE}\.mp4", p.name))
        and int(m.group(1)) >= longest_s
    )
    return found[0][1] if found else make_source(cache, longest_s)


def cut(source: Path, seconds: int, source_s: int) -> Path:
    if seconds == source_s:
        return source
    target = source.with_name(f"{source.stem}-cut-{seconds}s.mp4")
    if not target.exists():
        part = target.with_suffix(".part.mp4")
        ffmpeg("-i", str(source), "-t", str(seconds), "-map", "0", "-c", "copy",
               "-movflags", "+faststart", str(part))  # fmt: skip
        part.replace(target)
    return target


def source_seconds(source: Path) -> int:
    name = source.name
    return FULL_S if name.startswith("long-60min") else int(name.split("-")[1].rstrip("s"))


# ---- measuring ---------------------------------------------------------------------------


def peak_kib(pid: int | str) -> int:
    """VmHWM: the process's peak resident set since it started (or since it was reset)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+)", status, re.M)
    return int(found.group(1)) if found else 0


def descendants(pid: int, skip: frozenset[int] = frozenset()) -> list[int]:
    """Processes below ``pid``, leaving out the subtrees of ``skip``."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            if child not in skip:
                found += [child, *descendants(child, skip)]
    return found


class PeakMemory:
    """Peak RSS of this process during a block, and the largest of the processes below it
    (the embedded stack's servers, started before, are left out)."""

    def __init__(self, servers: frozenset[int]) -> None:
        self.servers = servers
        self.children: dict[int, int] = {}
        self.main_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> PeakMemory:
        gc.collect()
        LIBC.malloc_trim(0)  # free memory back to the system, so earlier steps' leftovers
        Path("/proc/self/clear_refs").write_text("5")  # don't count; resets this VmHWM
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        self.main_mib = peak_kib("self") / 1024

    def _poll(self) -> None:
        while not self._stop.wait(0.1):
            self.sample()

    def sample(self) -> None:
        for pid in descendants(os.getpid(), self.servers):
            self.children[pid] = max(self.children.get(pid, 0), peak_kib(pid))

    @property
    def child_mib(self) -> float:
        return max(self.children.values(), default=0) / 1024


Run = Callable[[Executor | None], Awaitable[str]]  # a step, given its pool (if any)
WARM = (os.getpid,)  # a pool's warm-up call: the process started and its imports done


@dataclass
class Step:
    wall_s: float
    main_mib: float
    child_mib: float
    outcome: str


async def timed_step(
    servers: frozenset[int],
    run: Run,
    warm: tuple[Any, ...] | None = None,
    repeats: int = 1,
) -> Step:
    """Time ``run``, with a fresh pool whose processes first ran ``warm`` (function, *args) when
    given; the wall time is per repeat."""
    loop, pool = asyncio.get_running_loop(), None
    if warm is not None:
        pool = ProcessPoolExecutor(
            POOL_WORKERS, mp_context=get_context("spawn"), initializer=_pool_process_setup
        )
        await asyncio.gather(*(loop.run_in_executor(pool, *warm) for _ in range(POOL_WORKERS)))
    try:
        with PeakMemory(servers) as peak:
            started = time.perf_counter()
            outcome = await run(pool)
            wall = time.perf_counter() - started
            peak.sample()  # before the pool goes
    finally:
        if pool is not None:
            pool.shutdown()
    return Step(wall / repeats, peak.main_mib, peak.child_mib, outcome)


# ---- the steps ---------------------------------------------------------------------------


@dataclass
class Bench:
    state: AppState
    principal: Principal
    client: httpx.AsyncClient
    servers: frozenset[int]  # the embedded stack's processes: not counted as ours
    results: dict[int, dict[str, Step]] = field(default_factory=dict)

    async def upload(self, video: Path) -> str:
        """A session of ``video`` (linked into the media root, not copied), not yet ingested."""
        upload_id = new_session_id()
        target = self.state.settings.media_dir / upload_id / video.name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(video, target)
        except OSError:
            shutil.copyfile(video, target)
        upload = Upload(
            upload_id,
            self.principal.org_id,
            target.stat().st_size,
            str(target),
            video.name,
            "video/mp4",
            None,
        )
        await self.state.uploads.add(upload)
        made = await create_session(
            self.state, self.principal, upload_id=upload_id, tags=SCREEN_FREEZING_TAG
        )
        return str(made.id)

    async def session(self, session_id: str) -> Session:
        found = await self.state.sessions.get(session_id, None)
        assert found is not None
        return found

    async def length(self, video: Path) -> tuple[int, dict[str, Step]]:
        state, servers, steps = self.state, self.servers, {}
        session_id = await self.upload(video)

        def job(function: Callable[..., Awaitable[str]], **ids: str) -> Run:
            return lambda pool: function({"state": state, "pool_executor": pool}, **ids)

        steps["ingest"] = await timed_step(servers, job(ingest, session_id=session_id), WARM)
        session = await self.session(session_id)
        frames, fps = session.frame_count or 0, float(session.fps or FPS)
        steps["shots"] = await timed_step(servers, job(detect_chunks, session_id=session_id), WARM)
        await start_face_trace(state, session_id)
        face_run = await state.face_detections.run(session_id)
        assert face_run is not None
        steps["faces"] = await timed_step(
            servers,
            job(face_trace, session_id=session_id, run_id=face_run.run_id),
            (detect_chunk, video, FrameSelection(fps, end_frame=10), model_spec(state.settings)),
        )
        whole = validate_label(
            label_type="video-content", start_time=0, end_time=round(frames * 1000 / fps, 3)
        )
        label = (await add_labels(state, self.principal, session_id, [whole]))[0]
        steps["quality"] = await timed_step(
            servers, job(job_of(spec_named("video_quality")), label_id=label.id), WARM
        )
        analyses = await state.analysis_runs.keys_of_source(session_id, label.id)
        steps["quality"].outcome += f"; {len(analyses)} analyses"
        frame = min(frames - 1, int(0.95 * frames) // GOP * GOP + GOP // 2)  # mid-GOP at 95 %
        steps["thumbnail"] = await timed_step(
            servers, lambda _: self.thumbnails(session, frame), repeats=THUMBNAILS
        )
        start = max(0, min(frame, frames - 10 * FPS))
        steps["clip"] = await timed_step(servers, lambda _: self.clip(session, start, 10 * FPS))
        added = await self.add_labels(session)
        body: dict[str, object] = {"query": QUERY, "variables": {"id": session_id}}
        for _ in range(3):
            await self.query(body)
        steps["labels"] = await timed_step(
            servers, lambda _: self.queries(body, added), repeats=QUERIES
        )
        return frames, steps

    async def thumbnails(self, session: Session, frame: int) -> str:
        cache = media_cache(self.state.settings)
        size = 0
        for _ in range(THUMBNAILS):
            cache.drop_session(session.id)
            size = (await frame_jpeg(self.state, session, frame)).stat().st_size
        return f"frame {frame}, {size / 1024:.0f} KiB, cold cache"

    async def clip(self, session: Session, start: int, count: int) -> str:
        cache = media_cache(self.state.settings)
        cache.drop_session(session.id)
        rendered = await clip(
            self.state,
            session,
            check_range(session, start, start + count - 1),
            audio=True,
            debug=False,
        )
        assert rendered.cmd is not None
        writer = cache.writer(rendered.cache_session, rendered.cache_name)
        began, first, size = time.perf_counter(), 0.0, 0
        async for chunk in tee_to_cache(stream_stdout(rendered.cmd), writer):
            first = first or time.perf_counter() - began
            size += len(chunk)
        return f"frames {start}+{count}, {size / 1e6:.1f} MB, first byte {first * 1000:.0f} ms"

    async def add_labels(self, session: Session) -> str:
        duration_ms = (session.frame_count or 0) * 1000 / float(session.fps or FPS)
        began = time.perf_counter()
        for first in range(0, LABELS, LABEL_BATCH):
            specs = [
                validate_label(
                    label_type="user",
                    start_time=round(i * duration_ms / LABELS, 3),
                    end_time=round(i * duration_ms / LABELS, 3) + 10,
                    name=f"l{i}",
                    data={"i": i},
                )
                for i in range(first, first + LABEL_BATCH)
            ]
            await add_labels(self.state, self.principal, session.id, specs)
        return f"{LABELS} labels added in {time.perf_counter() - began:.1f} s"

    async def query(self, body: dict[str, object]) -> int:
        response = await self.client.post("/graphql", json=body)
        found = response.json()
        assert response.status_code == 200 and "errors" not in found, response.text
        return int(found["data"]["session"]["labels"]["totalCount"])

    async def queries(self, body: dict[str, object], added: str) -> str:
        total = 0
        for _ in range(QUERIES):
            total = await self.query(body)
        return f"totalCount {total}; {added}"


# ---- reporting ---------------------------------------------------------------------------


def name_of(seconds: int) -> str:
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"


def figure(step: str, result: Step, seconds: int) -> float:
    """Seconds per minute of video for the steps that read the whole video, else per call."""
    return result.wall_s / (seconds / 60) if step in PER_MINUTE_STEPS else result.wall_s


def table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i in (0, len(row) - 1) else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )


def report_length(seconds: int, frames: int, steps: dict[str, Step]) -> None:
    load = f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: above that, figures are noisy"
    print(f"\n{name_of(seconds)}: {frames} frames, {seconds / 60:.2f} min of video; {load}")
    rows = [["step", "wall s", "fps", "x real", "s/min", "main MiB", "child MiB", "outcome"]]
    for step, r in steps.items():
        whole = step in PER_MINUTE_STEPS
        rows.append(
            [
                step,
                f"{r.wall_s:.2f}",
                f"{frames / r.wall_s:.0f}" if whole else "-",
                f"{seconds / r.wall_s:.2f}" if whole else "-",
                f"{figure(step, r, seconds):.2f}" if whole else "-",
                f"{r.main_mib:.0f}",
                f"{r.child_mib:.0f}",
                r.outcome[:90],
            ]
        )
    table(rows)


def growth(before: float, after: float) -> float:
    return after / before - 1 if before else 0.0


def summary(results: dict[int, dict[str, Step]]) -> None:
    lengths = sorted(results)
    if len(lengths) < 2:
        return
    long = lengths[-1]
    ref = 600 if 600 in lengths and long != 600 else lengths[-2]
    pair = f"{name_of(long)}/{name_of(ref)}"
    print(
        f"\nsummary: s per minute of video ({', '.join(PER_MINUTE_STEPS)}), s per call (the rest);"
        f"\nratio {pair} of those; peak MiB {name_of(ref)}→{name_of(long)}; flags: TIME outside "
        "0.75-1.25, MEM grew > 25 %"
    )
    rows = [["step", *map(name_of, lengths), pair, "main MiB", "child MiB", "flags"]]
    for step in results[long]:
        a, b = results[ref][step], results[long][step]
        ratio = figure(step, b, long) / figure(step, a, ref)
        main, child = growth(a.main_mib, b.main_mib), growth(a.child_mib, b.child_mib)
        flags = ["TIME"] * (not 0.75 <= ratio <= 1.25) + ["MEM"] * (max(main, child) > 0.25)
        rows.append(
            [
                step,
                *(f"{figure(step, results[n][step], n):.3f}" for n in lengths),
                f"{ratio:.2f}",
                f"{a.main_mib:.0f}→{b.main_mib:.0f}",
                f"{a.child_mib:.0f}→{b.child_mib:.0f}",
                " ".join(flags) or "ok",
            ]
        )
    table(rows)


# ---- running -----------------------------------------------------------------------------


async def run(lengths: list[int], cache: Path) -> None:
    started = time.perf_counter()
    cache.mkdir(parents=True, exist_ok=True)
    source = source_for(cache, max(lengths))
    videos = {n: cut(source, n, source_seconds(source)) for n in lengths}
    print(f"source {source}; cuts ready after {time.perf_counter() - started:.0f} s", flush=True)
    data_dir = ROOT / ".reelgraph-bench" / uuid.uuid4().hex[:12]
    async with AsyncExitStack() as cleanup:
        cleanup.callback(remove, data_dir)
        settings = load_settings(
            data_dir=data_dir,
            face_trace_on_ingest=False,
            chunks_on_ingest=False,
            face_trace_slice_s=1e9,
        )
        stack = start_stack(settings)
        cleanup.callback(stack.stop)
        state = await open_state(stack.settings)
        cleanup.push_async_callback(close_state, state)
        key, org_id = await create_api_key(state.orgs, f"bench-{uuid.uuid4().hex[:8]}")
        client = await cleanup.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=create_app(state=state)),
                base_url="http://bench",
                headers={"X-API-Key": key},
                timeout=120,
            )
        )
        resource_tracker.ensure_running()  # spawned pools share it: count it with the servers
        servers = frozenset(descendants(os.getpid()))
        principal = Principal(org_id=org_id, scopes=frozenset({"file"}))
        bench = Bench(state, principal, client, servers)
        print(f"pool: {POOL_WORKERS} process(es) per step; face stride {settings.face_stride}")
        for seconds in lengths:
            frames, steps = await bench.length(videos[seconds])
            bench.results[seconds] = steps
            report_length(seconds, frames, steps)
        summary(bench.results)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


def parse_lengths(text: str) -> list[int]:
    lengths = set()
    for part in text.split(","):
        found = re.fullmatch(r"\s*(\d+)\s*([sm])\s*", part)
        if not found:
            raise argparse.ArgumentTypeError(f"{part!r}: a length is like 20s or 10m")
        seconds = int(found.group(1)) * (60 if found.group(2) == "m" else 1)
        if not 10 <= seconds <= FULL_S:
            raise argparse.ArgumentTypeError(f"{part!r}: lengths run from 10s to 60m")
        lengths.add(seconds)
    return sorted(lengths)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--lengths",
        type=parse_lengths,
        default=[20, 600, FULL_S],
        help="comma-separated lengths such as 20s,10m,60m (the default)",
    )
    which.add_argument("--quick", action="store_true", help="lengths 20s and 2m: a smoke run")
    xdg = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=xdg / "reelgraph-bench",
        help="where the generated videos are kept between runs",
    )
    args = parser.parse_args()
    asyncio.run(run([20, 120] if args.quick else args.lengths, args.cache_dir))


if __name__ == "__main__":
    main()
