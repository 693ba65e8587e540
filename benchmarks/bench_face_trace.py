"""Benchmark: speed and accuracy of the `face_trace` job on ground-truth face videos.

Starts its own embedded stack in `.reelgraph-bench/<random>` (removed at the end), ingests two
clips and runs the real job function for each stride, as a worker would, with a one-process
pool. Clips: `tests.face_media.faces_video` (640x360, 12 s) and a 1280x720, 20 s version of it
(its frames upscaled 2x, then a segment with three faces at once). Eileen Collins is in the
org's gallery, so her traces should be identified and everyone else become a stranger.

Time shares come from wrapping the job's executor (no production code changed): decode, detect
and embed are the `ChunkResult.seconds` of the job's own `detect_chunk` calls; "pool" is the
rest of those calls' wall time (process hop, pickling, ffmpeg teardown); "link" is the wall
time of `build_traces` in the pool (pickling included); "db" is the job wall time left over
(chunk saves, loading detections, trace and graph writes, identity matching).
Run: `.venv/bin/python benchmarks/bench_face_trace.py [--strides 1,3,5]`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import shutil
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import cv2

from analysis.faces.decode import FrameSelection
from analysis.faces.pipeline import detect_chunk, face_models
from api.services.auth import create_api_key
from api.services.identities import create_identity
from api.services.sessions import create_session
from api.services.state import Principal
from graph.embedded.stack import start_stack
from graph.faces import FaceTrace
from graph.ids import new_session_id
from graph.runtime import close_state, open_state
from graph.settings import load_settings
from graph.state import AppState
from graph.uploads import Upload
from workers.face_trace import face_trace, model_spec, start_face_trace
from workers.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the ground-truth media builder lives in tests/
from tests import face_media as fm  # noqa: E402

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


class TimedExecutor(Executor):
    """A process pool that adds up the wall time of each function and the chunks' seconds."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.wall: dict[str, float] = defaultdict(float)
        self.chunk: dict[str, float] = defaultdict(float)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        started, name = time.perf_counter(), getattr(fn, "__name__", "other")
        future = self.inner.submit(fn, *args, **kwargs)

        def done(f: Future[T]) -> None:
            self.wall[name] += time.perf_counter() - started
            if name == "detect_chunk" and f.exception() is None:
                for key, seconds in f.result().seconds.items():  # type: ignore[attr-defined]
                    self.chunk[key] += seconds

        future.add_done_callback(done)
        return future

    def reset(self) -> None:
        self.wall.clear()
        self.chunk.clear()


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
    found: dict[tuple[int, int], tuple[int, bool]] = {}
    for found_edges in edges.values():
        for e in found_edges:
            a, b = owner[int(e.trace.rsplit(":", 1)[1])], owner[e.other.trace_id]
            if a is None or b is None or a == b:
                continue
            pair = (min(a, b), max(a, b))
            old = found.get(pair, (e.first_frame, e.mutual_gaze))
            found[pair] = (min(old[0], e.first_frame), old[1] or e.mutual_gaze)
    expected = truth_pairs(truth)
    errors = [abs(found[p][0] - f) for p, (f, _) in expected.items() if p in found]
    gaze_ok = sum(p in found and found[p][1] == g for p, (_, g) in expected.items())
    strangers = await state.faces.strangers(session_id)
    return {
        "traces": f"{len(traces)}/{len(truth)}",
        "seen": f"{len({a for a in owner.values() if a is not None})}/{len(truth)}",
        "collins": f"{len(named & set(collins))}/{len(collins)}",
        "wrong": str(len(named - set(collins))),
        "strangers": f"{len(strangers)}/3",
        "pairs": f"{len(errors)}/{len(expected)}",
        "ff err": f"{max(errors)}" if errors else "-",
        "gaze": f"{gaze_ok}/{len(expected)}",
    }


async def add_session(
    state: AppState, principal: Principal, path: Path, ctx: dict[str, Any]
) -> str:
    upload_id = new_session_id()
    target = state.settings.media_dir / upload_id / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    upload = Upload(upload_id, principal.org_id, target.stat().st_size, str(target), path.name,
                    "video/mp4", None)  # fmt: skip
    await state.uploads.add(upload)
    session = await create_session(state, principal, upload_id=upload_id)
    outcome = await ingest(ctx, session_id=session.id)
    assert outcome == "ready", outcome
    return session.id


def table(rows: list[dict[str, str]]) -> None:
    widths = {k: max(len(k), *(len(r[k]) for r in rows)) for k in rows[0]}
    print("  ".join(k.rjust(w) for k, w in widths.items()))
    for r in rows:
        print("  ".join(r[k].rjust(w) for k, w in widths.items()))


async def run(strides: list[int]) -> None:
    data_dir = ROOT / ".reelgraph-bench" / uuid.uuid4().hex[:12]
    stack = start_stack(load_settings(data_dir=data_dir, face_trace_on_ingest=False))
    timer = TimedExecutor(ProcessPoolExecutor(1))
    try:
        base = await open_state(stack.settings)
        try:
            clips = data_dir / "clips"
            clips.mkdir()
            truth720 = clip_720p(clips / "faces-720p.mp4")
            small = fm.faces_video(clips)
            _key, org_id = await create_api_key(base.orgs, f"bench-{uuid.uuid4().hex[:8]}")
            principal = Principal(org_id=org_id, scopes=frozenset({"file"}))
            fields = {"name": "Eileen Collins", "source": None, "external_id": None,
                      "profile_image_url": None}  # fmt: skip
            image = fm.gallery_image(clips).read_bytes()
            collins = await create_identity(base, principal, fields, [image])
            ctx: dict[str, Any] = {"state": base, "pool_executor": timer}
            media = [
                ("360p", await add_session(base, principal, small, ctx), base_truth(), 640),
                ("720p", await add_session(base, principal, clips / "faces-720p.mp4", ctx),
                 truth720, W),
            ]  # fmt: skip
            loop = asyncio.get_running_loop()
            spec = model_spec(base.settings)
            warm = FrameSelection(fps=25.0, end_frame=10)
            await loop.run_in_executor(timer, face_models, spec)
            await loop.run_in_executor(timer, detect_chunk, clips / "faces-720p.mp4", warm, spec)
            speed, quality = [], []
            for name, session_id, truth, width in media:
                session = await base.sessions.get(session_id, org_id)
                assert session is not None and session.frame_count
                for stride in strides:
                    state = dataclasses.replace(
                        base, settings=base.settings.with_overrides(face_stride=stride)
                    )
                    await start_face_trace(state, session_id)
                    face_run = await state.face_detections.run(session_id)
                    assert face_run is not None
                    timer.reset()
                    started = time.perf_counter()
                    job = {"state": state, "pool_executor": timer}
                    outcome = await face_trace(job, session_id=session_id, run_id=face_run.run_id)
                    wall = time.perf_counter() - started
                    if not outcome.startswith("Face tracing completed"):
                        print(f"{name} stride {stride}: job said {outcome!r}")
                    pool = timer.wall["detect_chunk"] + timer.wall["face_models"]
                    link = timer.wall["build_traces"]
                    row = {"clip": name, "stride": str(stride), "frames": str(session.frame_count),
                           "wall s": f"{wall:.1f}", "fps": f"{session.frame_count / wall:.1f}",
                           "x real": f"{session.frame_count / 25.0 / wall:.2f}"}  # fmt: skip
                    shares = {**{k: timer.chunk[k] for k in ("decode", "detect", "embed")},
                              "pool": pool - sum(timer.chunk.values()), "link": link,
                              "db": wall - pool - link}  # fmt: skip
                    speed.append(row | {k: f"{100 * v / wall:.0f}%" for k, v in shares.items()})
                    found = await accuracy(state, session_id, truth, width, collins.id)
                    quality.append({"clip": name, "stride": str(stride)} | found)
            print("\nspeed (fps and x real are frames of the whole video over job wall time):")
            table(speed)
            print(
                "\naccuracy: traces found/expected; appearances seen by >=1 trace; Collins"
                " traces\nidentified as Collins; non-Collins traces called Collins; strangers"
                "/distinct\nothers; co-occurring appearance pairs found; worst first_frame"
                " error; mutual gaze right:"
            )
            table(quality)
        finally:
            await close_state(base)
    finally:
        timer.inner.shutdown()
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        if not any(data_dir.parent.iterdir()):
            data_dir.parent.rmdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strides", default="1,3,5", help="comma-separated face_stride values")
    args = parser.parse_args()
    asyncio.run(run([int(s) for s in args.strides.split(",")]))


if __name__ == "__main__":
    main()
