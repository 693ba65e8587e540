"""Benchmark: crowd labelling's `submitLabellingBatch` under concurrent labellers, and a gallery
page over a campaign of 1,000 clips, on the embedded stack.

Runs `reelgraph up --graph STORE` (embedded stack, worker, API on uvicorn) in its own process
under `.reelgraph-bench/<random>` (removed at the end), so client and server do not share a
CPU-bound event loop. Over HTTP it then ingests one synthesised video (`--clips` windows of one
frame each), creates a campaign of those clips, marks `--golds` of them gold (half positive,
half negative) with `setLabelStates`, signs in `--labellers` labellers and runs `--rounds`
rounds: every labeller fetches a batch, waits out the batch's not-before delay, and all return
their batches at once (answering the golds right, so every batch passes and writes its
answers: the heavier path). Figures: p50/p99 of `submitLabellingBatch` and of `labellingBatch`
under that concurrency; then, with every clip decided by a researcher, p50/p99 of one gallery
page (`labellingGallery`, 16 clips) and of the largest page (`first: 1000`) over the 1,000.
Run: `.venv/bin/python benchmarks/bench_labelling.py [--graph falkordb|neo4j|both]
[--labellers 20] [--rounds 5] [--clips 1000] [--requests 200]`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from bench_graphql_labels import ROOT, StartFailed, api_key, free_port, post, start_server
from bench_support import percentile, remove, side_by_side, stores

FPS = 25
CREATE_SESSION = "mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }"
SESSION_STATUS = "query($id: ID!) { session(id: $id) { status error } }"
CREATE_CAMPAIGN = "mutation($i: CampaignInput!) { createCampaign(input: $i) { id clipCount } }"
CLIPS = """query($c: ID!, $after: String) { labellingClips(campaignId: $c, first: 1000,
  after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
SET_STATES = (
    "mutation($c: ID!, $i: [ClipAnswer!]!) { setLabelStates(campaignId: $c, items: $i) { id } }"
)
LOGIN = """mutation($c: ID!, $id: String) { labellingLogin(campaignId: $c, clientId: $id) {
  token } }"""
BATCH = "query($c: ID!) { labellingBatch(campaignId: $c) { id videoToken clips { id } } }"
SUBMIT = """mutation($t: String!, $a: [ClipAnswer!]!) { submitLabellingBatch(videoToken: $t,
  answers: $a) { passed batchScore } }"""
GALLERY = """query($c: ID!, $first: Int) { labellingGallery(campaignId: $c,
  kind: RESEARCHER_POSITIVE, first: $first) { totalCount edges { node { id url startFrame
  endFrame labelState labelStateAdmin label } } } }"""
NOT_BEFORE_S = 5.0  # the server's default delay before a batch may be returned


def gql(query: str, **variables: object) -> dict[str, object]:
    """A GraphQL request body."""
    return {"query": query, "variables": variables}


def make_video(target: Path, frames: int) -> Path:
    """``frames`` frames of a 160x120 test pattern at 25 fps, H.264."""
    seconds = frames / FPS
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
    cmd += ["-i", f"testsrc2=s=160x120:r={FPS}:d={seconds}", "-c:v", "libx264"]
    cmd += ["-preset", "veryfast", "-g", str(FPS), "-pix_fmt", "yuv420p", str(target)]
    subprocess.run(cmd, check=True, capture_output=True)
    return target


async def ingest(client: httpx.AsyncClient, video: Path) -> str:
    uploaded = await client.post(f"/api/v1/files?filename={video.name}", content=video.read_bytes())
    assert uploaded.status_code == 200, uploaded.text
    upload_id = uploaded.json()["file_uuid"]
    body = gql(CREATE_SESSION, i={"uploadId": upload_id})
    session_id = str((await post(client, body))["createSession"]["id"])
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = await post(client, gql(SESSION_STATUS, id=session_id))
        if status["session"]["status"] == "READY":
            return session_id
        assert status["session"]["status"] != "ERROR", status
        await asyncio.sleep(0.2)
    raise SystemExit("the benchmark video was not ingested within 300 s")


async def all_clip_ids(client: httpx.AsyncClient, campaign_id: str) -> list[str]:
    ids: list[str] = []
    after: str | None = None
    while True:
        body = gql(CLIPS, c=campaign_id, after=after)
        page = (await post(client, body))["labellingClips"]
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def set_states(client: httpx.AsyncClient, campaign_id: str, states: dict[str, int]) -> None:
    items = [{"clipId": clip_id, "label": code} for clip_id, code in states.items()]
    for first in range(0, len(items), 500):
        body = gql(SET_STATES, c=campaign_id, i=items[first : first + 500])
        await post(client, body)


async def labellers_round(
    base_url: str, tokens: list[str], campaign_id: str, golds: dict[str, int], wait_s: float
) -> tuple[list[float], list[float], int]:
    """One round: every labeller fetches a batch, then all return theirs at the same moment."""
    fetch: list[float] = []
    submit: list[float] = []
    clients = [
        httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {t}"}, timeout=120)
        for t in tokens
    ]
    try:

        async def fetch_one(client: httpx.AsyncClient) -> dict[str, Any] | None:
            t0 = time.perf_counter()
            batch = await post(client, gql(BATCH, c=campaign_id))
            fetch.append(time.perf_counter() - t0)
            found: dict[str, Any] | None = batch["labellingBatch"]
            return found

        batches = await asyncio.gather(*(fetch_one(c) for c in clients))
        await asyncio.sleep(wait_s)

        async def submit_one(client: httpx.AsyncClient, batch: dict[str, Any]) -> bool:
            answers = [
                {"clipId": c["id"], "label": 1 if golds.get(c["id"]) == 47 else 0}
                for c in batch["clips"]
            ]
            body = gql(SUBMIT, t=batch["videoToken"], a=answers)
            t0 = time.perf_counter()
            outcome = (await post(client, body))["submitLabellingBatch"]
            submit.append(time.perf_counter() - t0)
            return bool(outcome["passed"])

        passed = await asyncio.gather(
            *(submit_one(c, b) for c, b in zip(clients, batches, strict=True) if b is not None)
        )
    finally:
        for client in clients:
            await client.aclose()
    return fetch, submit, sum(passed)


async def timed_queries(client: httpx.AsyncClient, body: dict[str, object], n: int) -> list[float]:
    await post(client, body)  # warm-up
    latencies = []
    for _ in range(n):
        t0 = time.perf_counter()
        await post(client, body)
        latencies.append(time.perf_counter() - t0)
    return sorted(latencies)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


async def bench_store(store: str, args: argparse.Namespace, video: Path) -> dict[str, str]:
    data_dir = ROOT / ".reelgraph-bench" / uuid.uuid4().hex[:12]
    data_dir.parent.mkdir(exist_ok=True)
    port = free_port()
    try:
        server = start_server(data_dir, port, store)
    except StartFailed as exc:
        remove(data_dir)
        raise SystemExit(str(exc)) from None
    figures: dict[str, str] = {}
    base_url = f"http://127.0.0.1:{port}"
    try:
        key = api_key(data_dir)
        async with httpx.AsyncClient(
            base_url=base_url, headers={"X-API-Key": key}, timeout=300
        ) as client:
            session_id = await ingest(client, video)
            campaign_input = {
                "name": "bench",
                "question": "is there smoke?",
                "sessionIds": [session_id],
                "clipsFrom": "window",
                "windowSeconds": 1 / FPS,
            }
            body = gql(CREATE_CAMPAIGN, i=campaign_input)
            t0 = time.perf_counter()
            campaign = (await post(client, body))["createCampaign"]
            figures["createCampaign, s"] = f"{time.perf_counter() - t0:.2f}"
            campaign_id = str(campaign["id"])
            clip_ids = await all_clip_ids(client, campaign_id)
            figures["clips"] = str(len(clip_ids))
            rng = random.Random(15)
            gold_ids = rng.sample(clip_ids, args.golds)
            golds = {c: 47 if i % 2 else 32 for i, c in enumerate(gold_ids)}
            await set_states(client, campaign_id, golds)
            tokens = []
            for n in range(args.labellers):
                body = gql(LOGIN, c=campaign_id, id=f"bench-{n}")
                tokens.append((await post(client, body))["labellingLogin"]["token"])
            fetches: list[float] = []
            submits: list[float] = []
            passed, busy = 0, 0.0
            for _ in range(args.rounds):
                f, s, p = await labellers_round(
                    base_url, tokens, campaign_id, golds, args.not_before + 0.2
                )
                fetches += f
                submits += s
                passed += p
                busy += max(s)  # they all start together: the round's submissions took this
            fetches.sort()
            submits.sort()
            head = f"{args.labellers} concurrent labellers"
            figures |= {
                f"submitLabellingBatch, {head}: n": str(len(submits)),
                f"submitLabellingBatch, {head}: p50 ms": ms(statistics.median(submits)),
                f"submitLabellingBatch, {head}: p99 ms": ms(percentile(submits, 0.99)),
                "batches passed": str(passed),
                f"submitLabellingBatch, {head}: batches/s": f"{len(submits) / busy:.1f}",
                f"labellingBatch, {head}: p50 ms": ms(statistics.median(fetches)),
                f"labellingBatch, {head}: p99 ms": ms(percentile(fetches, 0.99)),
            }
            decided = dict.fromkeys(clip_ids, 23)  # the golds too: all 1,000 in the gallery
            t0 = time.perf_counter()
            await set_states(client, campaign_id, decided)
            figures[f"setLabelStates x{len(decided)} (500 a call), s"] = (
                f"{time.perf_counter() - t0:.2f}"
            )
            for first in (16, 1000):
                body = gql(GALLERY, c=campaign_id, first=first)
                page = (await post(client, body))["labellingGallery"]
                latencies = await timed_queries(client, body, args.requests if first == 16 else 20)
                head = f"gallery page of {len(page['edges'])} (of {page['totalCount']})"
                figures |= {
                    f"{head}: p50 ms": ms(statistics.median(latencies)),
                    f"{head}: p99 ms": ms(percentile(latencies, 0.99)),
                }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(120)
        remove(data_dir)
        (data_dir.parent / f"{data_dir.name}-up.log").unlink(missing_ok=True)
    return figures


async def run(args: argparse.Namespace) -> None:
    columns: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        video = make_video(Path(tmp) / "bench-clips.mp4", args.clips)
        for store in stores(args.graph):
            columns[store] = await bench_store(store, args, video)
            print(f"{store}: done", file=sys.stderr)
    print(f"\nCrowd labelling over HTTP: {args.rounds} rounds of {args.labellers} labellers")
    print(f"returning their batches at once; gallery: {args.requests} requests of 16 clips,")
    print("20 of 1000:\n")
    side_by_side(columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--graph", choices=("falkordb", "neo4j", "both"), default="falkordb")
    parser.add_argument("--labellers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--golds", type=int, default=40)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--not-before", type=float, default=NOT_BEFORE_S, help="the server's batch delay, s"
    )
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
