"""Benchmark: speed and accuracy of the `face_trace` job on ground-truth face videos, on each
graph store (`--graph falkordb|neo4j|both`).

For each store, starts its own embedded stack in `.reelgraph-bench/<random>` (removed at the
end), ingests `tests.face_media.faces_video` (640x360, 12 s) and a 1280x720, 20 s clip made
from it (frames upscaled 2x, then three faces at once), with Eileen Collins in the gallery, and
runs the job function for each stride with a one-process pool. Time shares come from wrapping
that pool: decode/detect/embed are the job's own `ChunkResult.seconds`; "pool" is the rest of
its pool calls (model preload, process hop, pickling); "link" is the `build_traces` call
(pickling included); "graph" is the wall time while a statement to the graph store was in
flight (the backend's `_run` timed in this process), outside pool calls; "g|pool" is the graph
time spent during pool calls (progress writes, already inside "pool"); "graph s" and "calls"
are the graph time outside pool calls and the statements sent, "write s" and "writes" the same
for the statements that are not read-only (sent with `run`); "other" is the job wall time
left over (chunk saves in PostgreSQL, identity matching, Python). On each store the first job
("360p 1st", same as the next row) runs before the others: it pays for cold query caches.
Run: `.venv/bin/python benchmarks/bench_face_trace.py [--graph both] [--strides 1,3,5]`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import AsyncExitStack
from functools import partial
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import cv2
from bench_support import GraphTimer, add_session, overlap, remove, stores, table, time_graph

from analysis.faces.decode import FrameSelection
from analysis.faces.pipeline import detect_chunk, preload_models
from api.services.auth import create_api_key
from api.services.identities import create_identity
from api.services.state import Principal
from graph.embedded.stack import start_stack
from graph.faces import CoOccurs, FaceTrace
from graph.runtime import close_state, open_state
from graph.settings import load_settings
from graph.state import AppState
from workers.face_trace import face_trace, model_spec, start_face_trace
from workers.runner import close_progress_manager, progress_manager

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the ground-truth media builder lives in tests/
from tests.support import face_media as fm  # noqa: E402

W, H, FRAMES, THREE_FROM = 1280, 720, 500, 325  # 720p clip: 20 s at 25 fps
THREE = (("collins", 60, 180), ("hopper", 440, 160), ("carphone", 790, 168))  # sprite x, y
P = ParamSpec("P")
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Truth:
    person: str
    first: int
    last: int
    cx: float | None  # face centre x as a share of the width; None when alone on screen


class TimedExecutor(ProcessPoolExecutor):
    """A process pool that adds up the wall time of each function and the chunks' seconds.

    It sends the work to ``inner`` and starts no process of its own; it is a ProcessPoolExecutor
    so that `workers.runner.in_pool` gives progress callbacks a queue that crosses processes.
    """

    def __init__(self, inner: Executor) -> None:  # no super().__init__(): no pool of its own
        self.inner = inner
        self.wall: dict[str, float] = defaultdict(float)
        self.chunk: dict[str, float] = defaultdict(float)
        self.intervals: list[tuple[float, float]] = []

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        inner: Any = fn
        while isinstance(inner, partial):  # in_pool sends partial(detect_chunk, ...)
            inner = inner.func
        started, name = time.perf_counter(), getattr(inner, "__name__", "other")
        future = self.inner.submit(fn, *args, **kwargs)

        def done(f: Future[T]) -> None:
            self.wall[name] += time.perf_counter() - started
            self.intervals.append((started, time.perf_counter()))
            if name == "detect_chunk" and f.exception() is None:
                for key, seconds in f.result().seconds.items():  # type: ignore[attr-defined]
                    self.chunk[key] += seconds

        future.add_done_callback(done)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """The inner pool belongs to the caller."""


def base_truth() -> list[Truth]:
    cx = {"alone": None, "left": 0.25, "right": 0.75}
    return [Truth(a.person, a.first_frame, a.last_frame, cx[a.side]) for a in fm.APPEARANCES]


def clip_720p(target: Path) -> list[Truth]:
    """The face_media frames upscaled to 720p, nobody for 1 s, then three faces side by side."""
    small = fm.render_frames()
    frames = [cv2.resize(f, (W, H), interpolation=cv2.INTER_LINEAR) for f in small]
    blank = cv2.resize(small[60], (W, H), interpolation=cv2.INTER_LINEAR)  # S2: nobody
    three, truth = blank.copy(), base_truth()
    sprites = fm._sprites()
    for person, x, y in THREE:
        sprite = cv2.resize(sprites[person], None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)
        h, w = sprite.shape[:2]
        three[y : y + h, x : x + w] = sprite
        truth.append(Truth(person, THREE_FROM, FRAMES - 1, (x + w / 2) / W))
    frames += [blank] * (THREE_FROM - len(frames)) + [three] * (FRAMES - THREE_FROM)
    fm.encode(frames, target)
    return truth


def truth_pairs(truth: list[Truth]) -> dict[tuple[int, int], tuple[int, bool]]:
    """(appearance i, j) -> (first frame both on screen, mutual gaze), from PAIRS."""
    pairs = {}
    for i, a in enumerate(truth):
        for j in range(i + 1, len(truth)):
            b = truth[j]
            if a.first <= b.last and b.first <= a.last:
                first = max(a.first, b.first)
                known = fm.PAIRS.get((min(a.person, b.person), max(a.person, b.person)))
                pairs[(i, j)] = (first, bool(known and known[0] == first and known[1]))
    return pairs


def appearance(trace: FaceTrace, truth: list[Truth], width: int) -> int | None:
    rep = trace.representative
    cx = (rep.x + rep.w / 2) / width if rep else 0.5

    def rank(i: int) -> tuple[int, float]:
        t = truth[i]
        overlap = min(t.last, trace.end_frame) - max(t.first, trace.start_frame) + 1
        return -overlap, abs((cx if t.cx is None else t.cx) - cx)

    best = min(range(len(truth)), key=rank)
    return best if rank(best)[0] < 0 else None


async def accuracy(
    state: AppState, session_id: str, truth: list[Truth], width: int, collins_id: str
) -> dict[str, str]:
    traces = await state.faces.trace_page(session_id, after=0, limit=100_000)
    owner = {t.trace_id: appearance(t, truth, width) for t in traces}
    named = {t.trace_id for i, t in await state.identities.session_traces(session_id)
             if i.id == collins_id}  # fmt: skip
    collins = [t for t, a in owner.items() if a is not None and truth[a].person == "collins"]
    edges = await state.faces.co_occurs([t.key for t in traces])
    found: dict[tuple[int, int], list[CoOccurs]] = defaultdict(list)
    for e in (e for seen_from in edges.values() for e in seen_from):
        a, b = owner[int(e.trace.rsplit(":", 1)[1])], owner[e.other.trace_id]
        if a is not None and b is not None and a != b:
            found[(min(a, b), max(a, b))].append(e)
    expected = truth_pairs(truth)
    errors = [abs(min(e.first_frame for e in found[p]) - f)
              for p, (f, _) in expected.items() if p in found]  # fmt: skip
    gaze_ok = sum(p in found and any(e.mutual_gaze for e in found[p]) == g
                  for p, (_, g) in expected.items())  # fmt: skip
    strangers = await state.faces.strangers(session_id)
    covered, people = {a for a in owner.values() if a is not None}, {t.person for t in truth}
    return {"traces": f"{len(traces)}/{len(truth)}", "seen": f"{len(covered)}/{len(truth)}",
            "collins": f"{len(named & set(collins))}/{len(collins)}",
            "wrong": str(len(named - set(collins))),
            "strangers": f"{len(strangers)}/{len(people - {'collins'})}",
            "pairs": f"{len(errors)}/{len(expected)}", "gaze": f"{gaze_ok}/{len(expected)}",
            "ff err": str(max(errors)) if errors else "-"}  # fmt: skip


async def trace_once(
    ctx: dict[str, Any], timers: GraphTimer, name: str, session_id: str, stride: int
) -> tuple[AppState, dict[str, str]]:
    """Run the job once at ``stride``; its speed row (shares of the job's wall time)."""
    base, pool = ctx["state"], ctx["pool_executor"]
    state = dataclasses.replace(base, settings=base.settings.with_overrides(face_stride=stride))
    await start_face_trace(state, session_id)
    face_run = await state.face_detections.run(session_id)
    session = await state.sessions.get(session_id, None)
    assert face_run is not None and session is not None and session.frame_count
    timer = TimedExecutor(pool)
    timers.reset()
    started = time.perf_counter()
    job = {**ctx, "state": state, "pool_executor": timer}
    outcome = await face_trace(job, session_id=session_id, run_id=face_run.run_id)
    wall = time.perf_counter() - started
    if not outcome.startswith("Face tracing completed"):
        print(f"{name} stride {stride}: the job said {outcome!r}")
    link = timer.wall["build_traces"]
    frames, in_pool = session.frame_count, sum(timer.wall.values()) - link  # chunks, model load
    pool_intervals = sorted(timer.intervals)
    writes, graph = timers.writes, timers.all
    graph_in_pool = overlap(graph.intervals, pool_intervals)
    writes_out = writes.busy - overlap(writes.intervals, pool_intervals)
    shares = {**{k: timer.chunk[k] for k in ("decode", "detect", "embed")},
              "pool": in_pool - sum(timer.chunk.values()), "link": link,
              "graph": graph.busy - graph_in_pool,
              "other": wall - in_pool - link - (graph.busy - graph_in_pool)}  # fmt: skip
    row = {"store": base.graph.name, "clip": name, "stride": str(stride), "frames": str(frames),
           "wall s": f"{wall:.1f}", "fps": f"{frames / wall:.1f}",
           "x real": f"{frames / 25.0 / wall:.2f}"}  # fmt: skip
    row |= {k: f"{100 * v / wall:.0f}%" for k, v in shares.items()}
    row |= {"graph s": f"{graph.busy - graph_in_pool:.2f}", "calls": str(graph.calls),
            "write s": f"{writes_out:.2f}", "writes": str(writes.calls),
            "g|pool": f"{100 * graph_in_pool / wall:.0f}%"}  # fmt: skip
    return state, row


async def bench(
    base: AppState, pool: Executor, clips: Path, strides: list[int]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    timers = time_graph(base.graph)
    truth720 = clip_720p(clips / "faces-720p.mp4")
    _key, org_id = await create_api_key(base.orgs, f"bench-{uuid.uuid4().hex[:8]}")
    principal = Principal(org_id=org_id, scopes=frozenset({"file"}))
    fields = {"name": "Eileen Collins", "source": None, "external_id": None,
              "profile_image_url": None}  # fmt: skip
    collins = await create_identity(base, principal, fields, [fm.gallery_image(clips).read_bytes()])
    media = [("360p", fm.faces_video(clips), base_truth(), fm.WIDTH),
             ("720p", clips / "faces-720p.mp4", truth720, W)]  # fmt: skip
    spec, loop = model_spec(base.settings), asyncio.get_running_loop()
    warm = (clips / "faces-720p.mp4", FrameSelection(25.0, end_frame=10), spec)
    await loop.run_in_executor(pool, preload_models, spec)  # steady state: models loaded
    await loop.run_in_executor(pool, detect_chunk, *warm)
    speed, quality = [], []
    ctx = {"state": base, "pool_executor": pool}
    progress_manager(ctx)  # as a worker does at start-up: progress queues across processes
    try:
        for name, path, truth, width in media:
            session_id = await add_session(base, principal, path, ctx)
            if not speed:  # the store's first job: Neo4j plans each statement the first time
                _, row = await trace_once(ctx, timers, f"{name} 1st", session_id, strides[0])
                speed.append(row)
            for stride in strides:
                state, row = await trace_once(ctx, timers, name, session_id, stride)
                found = await accuracy(state, session_id, truth, width, collins.id)
                speed.append(row)
                row = {"store": base.graph.name, "clip": name, "stride": str(stride)}
                quality.append(row | found)
    finally:
        close_progress_manager(ctx)
    return speed, quality


async def run(store: str, strides: list[int]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    data_dir = ROOT / ".reelgraph-bench" / uuid.uuid4().hex[:12]
    async with AsyncExitStack() as cleanup:
        cleanup.callback(remove, data_dir)
        settings = load_settings(data_dir=data_dir, face_trace_on_ingest=False, graph_store=store)
        stack = start_stack(settings)
        cleanup.callback(stack.stop)
        base = await open_state(stack.settings)
        cleanup.push_async_callback(close_state, base)
        pool = cleanup.enter_context(ProcessPoolExecutor(1))
        (data_dir / "clips").mkdir()
        return await bench(base, pool, data_dir / "clips", strides)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--graph", choices=("falkordb", "neo4j", "both"), default="both")
    parser.add_argument("--strides", default="1,3,5", help="comma-separated face_stride values")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # "unknown property"
    speed, quality = [], []
    for store in stores(args.graph):
        rows = asyncio.run(run(store, [int(s) for s in args.strides.split(",")]))
        speed += rows[0]
        quality += rows[1]
    print("\nspeed (fps and x real: frames of the whole video over the job's wall time;")
    print("shares of that wall time; graph s and calls: statements to the graph store):")
    table(speed)
    print(
        "\naccuracy: traces found/expected; appearances covered by >=1 trace; Collins traces"
        "\nidentified as Collins; other traces called Collins; strangers/other people;"
        "\nco-occurring appearance pairs found; their mutual gaze right; worst first_frame error:"
    )
    table(quality)


if __name__ == "__main__":
    main()
