"""Benchmark: `session { labels(first: 100) }` and `addLabels`, on FalkorDB and on Neo4j.

For each graph store (`--graph falkordb|neo4j|both`), runs `reelgraph up --graph STORE`
(embedded stack, worker, API on uvicorn) as its own process in `.reelgraph-bench/<random>`
(removed at the end), so client and server do not share a CPU-bound event loop, then over HTTP:
  query     for each count in `--labels` (100 and 1000): a session holding that many labels,
            30 warm-up requests, then `--requests` requests from 1 client (p50/p99, requests/s)
            and `--requests` more from `--concurrency` clients (requests/s, p50);
  addLabels `--add-reps` mutations (after one warm-up) of `--add-labels` labels, each into a
            new session (p50/p99 of the mutation's latency).
Round trips (graph statements per request) are counted on an in-process copy of the same app
(`state.graph.round_trips`): for the query at each label count and for `addLabels` of 100 and of
`--add-labels` labels; both must not grow with the number of labels.
Run: `.venv/bin/python benchmarks/bench_graphql_labels.py [--graph both] [--labels 100,1000]
[--requests 500] [--concurrency 8] [--add-labels 1000] [--add-reps 20]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from bench_support import percentile, remove, side_by_side, stores

from api.app import create_app
from graph.embedded.stack import read_state
from graph.runtime import close_state, open_state
from graph.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
QUERY = """query($id: ID!) { session(id: $id) { id name labels(first: 100) { totalCount
  edges { node { id labelGroupId labelType category startTime endTime tsStart tsEnd data } } }
} }"""
ADD = "mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id } }"
CREATE = 'mutation { createSession(input: {url: "http://127.0.0.1:9/x.mp4"}) { id } }'
BATCH = 1000  # labels per addLabels when filling a session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StartFailed(Exception):
    pass


def start_server(data_dir: Path, port: int, store: str) -> subprocess.Popen[bytes]:
    log = data_dir.parent / f"{data_dir.name}-up.log"
    cmd = [sys.executable, "-m", "api.cli", "up", "--data-dir", str(data_dir)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cmd, "--port", str(port), "--graph", store], cwd=ROOT, stdout=out, stderr=out
        )
    deadline = time.monotonic() + 300  # Neo4j's first start on 2 busy cores
    worker_log = data_dir / "logs" / "worker.log"
    seen = worker_log.stat().st_size if worker_log.is_file() else 0  # an earlier attempt's
    while time.monotonic() < deadline and proc.poll() is None:
        if worker_log.is_file() and b"Traceback" in worker_log.read_bytes()[seen:]:
            log = worker_log  # the API may serve on, without a worker: /healthz says 503
            break
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(120)
    errors = [line[:300] for line in log.read_text().splitlines() if "Error" in line[:80]]
    raise StartFailed(f"`reelgraph up --graph {store}` did not start: " + " | ".join(errors[-3:]))


def api_key(data_dir: Path) -> str:
    cmd = [sys.executable, "-m", "api.cli", "apikey", "create", "--org", "bench"]
    return subprocess.run(
        [*cmd, "--data-dir", str(data_dir)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()[-1]


def label_rows(count: int) -> list[dict[str, object]]:
    return [
        {"labelType": "user", "startTime": i, "endTime": i + 10, "name": f"l{i}", "data": {"i": i}}
        for i in range(count)
    ]


async def post(client: httpx.AsyncClient, body: dict[str, object]) -> dict[str, Any]:
    response = await client.post("/graphql", json=body)
    found: dict[str, Any] = response.json()
    assert response.status_code == 200 and not found.get("errors"), response.text
    return found["data"]


async def new_session(client: httpx.AsyncClient) -> str:
    return str((await post(client, {"query": CREATE}))["createSession"]["id"])


def add_body(session_id: str, count: int) -> dict[str, object]:
    return {"query": ADD, "variables": {"s": session_id, "l": label_rows(count)}}


async def timed(
    client: httpx.AsyncClient, body: dict[str, object], requests: int, concurrency: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            t0 = time.perf_counter()
            await post(client, body)
            latencies.append(time.perf_counter() - t0)

    wall = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sorted(latencies), time.perf_counter() - wall


async def count_round_trips(
    data_dir: Path, key: str, bodies: dict[str, dict[str, object]], warm: dict[str, object]
) -> dict[str, int]:
    """Graph statements each body costs, through the same app in this process."""
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # "unknown property"
    state = await open_state(read_state(load_settings(data_dir=data_dir)), prepare=False)
    trips: dict[str, int] = {}
    try:
        transport = httpx.ASGITransport(app=create_app(state=state))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers={"X-API-Key": key}, timeout=120
        ) as client:
            await post(client, warm)  # warm the API-key cache
            for name, body in bodies.items():
                before = state.graph.round_trips
                await post(client, body)
                trips[name] = state.graph.round_trips - before
    finally:
        await close_state(state)
    return trips


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


async def bench_store(store: str, args: argparse.Namespace) -> dict[str, str]:
    data_dir = ROOT / ".reelgraph-bench" / uuid.uuid4().hex[:12]
    data_dir.parent.mkdir(exist_ok=True)
    for attempt in (1, 2):
        started, port = time.perf_counter(), free_port()
        try:
            server = start_server(data_dir, port, store)
            break
        except StartFailed as exc:
            if attempt == 2:
                remove(data_dir)
                log = data_dir.parent / f"{data_dir.name}-up.log"
                raise SystemExit(f"{exc} (its log: {log})") from None
            print(f"{store}: {exc}; starting again on the same data", file=sys.stderr)
    figures = {
        "`up` until /healthz, s": f"{time.perf_counter() - started:.1f}",
        "`up` attempts": str(attempt),
    }
    try:
        key = api_key(data_dir)  # set-up, before anything is timed
        queries: dict[int, dict[str, object]] = {}
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": key}, timeout=120
        ) as client:
            for count in args.labels:
                session_id = await new_session(client)
                for first in range(0, count, BATCH):
                    await post(client, add_body(session_id, min(BATCH, count - first)))
                body: dict[str, object] = {"query": QUERY, "variables": {"id": session_id}}
                queries[count] = body
                await timed(client, body, 30, 1)  # warm-up
                serial, wall1 = await timed(client, body, args.requests, 1)
                loaded, wall = await timed(client, body, args.requests, args.concurrency)
                head = f"query, {count} labels:"
                figures |= {
                    f"{head} p50 ms": ms(statistics.median(serial)),
                    f"{head} p99 ms": ms(percentile(serial, 0.99)),
                    f"{head} req/s, 1 client": f"{args.requests / wall1:.0f}",
                    f"{head} req/s, {args.concurrency} clients": f"{args.requests / wall:.0f}",
                    f"{head} p50 ms, {args.concurrency} clients": ms(statistics.median(loaded)),
                }
            adds: list[float] = []
            for rep in range(args.add_reps + 1):
                add = add_body(await new_session(client), args.add_labels)
                t0 = time.perf_counter()
                await post(client, add)
                if rep:  # the first is a warm-up (query plans, connections)
                    adds.append(time.perf_counter() - t0)
            adds.sort()
            head = f"addLabels({args.add_labels}) x{args.add_reps}:"
            p50 = statistics.median(adds)
            figures |= {
                f"{head} p50 ms": ms(p50),
                f"{head} p99 ms": ms(percentile(adds, 0.99)),
                f"{head} labels/s": f"{args.add_labels / p50:.0f}",
            }
            bodies = {f"query, {n} labels": b for n, b in queries.items()}
            for n in sorted({100, args.add_labels}):
                bodies[f"addLabels({n})"] = add_body(await new_session(client), n)
        trips = await count_round_trips(data_dir, key, bodies, queries[args.labels[0]])
        figures |= {f"round trips: {name}": str(n) for name, n in trips.items()}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(120)
        remove(data_dir)
        (data_dir.parent / f"{data_dir.name}-up.log").unlink(missing_ok=True)
    return figures


async def run(args: argparse.Namespace) -> None:
    columns: dict[str, dict[str, str]] = {}
    for store in stores(args.graph):
        columns[store] = await bench_store(store, args)
        print(f"{store}: done", file=sys.stderr)
    print(f"\nGraphQL labels over HTTP ({args.requests} requests per figure; p99 of addLabels is")
    print(f"the worst of {args.add_reps}); round trips = graph statements per request:\n")
    side_by_side(columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--graph", choices=("falkordb", "neo4j", "both"), default="both")
    parser.add_argument("--labels", default="100,1000", help="comma-separated label counts")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--add-labels", type=int, default=1000)
    parser.add_argument("--add-reps", type=int, default=20)
    args = parser.parse_args()
    args.labels = [int(n) for n in args.labels.split(",")]
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
