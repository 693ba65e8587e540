"""Benchmark: `session { labels(first: 100) }` latency, throughput and graph round trips.

Runs `reelgraph up` (embedded stack, worker, API on uvicorn) as its own process in a temporary
data directory, so client and server do not share a CPU-bound event loop, then times GraphQL
requests over HTTP. Round trips are counted on an in-process copy of the same app.
Run: `.venv/bin/python benchmarks/bench_graphql_labels.py [--labels 1000] [--requests 1000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from api.app import create_app
from graph.embedded.stack import read_state
from graph.runtime import close_state, open_state
from graph.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
QUERY = """query($id: ID!) { session(id: $id) { id name labels(first: 100) { totalCount
  edges { node { id labelGroupId labelType category startTime endTime tsStart tsEnd data } } }
} }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "up", "--data-dir", str(data_dir), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


async def count_round_trips(data_dir: Path, key: str, body: dict[str, object]) -> int:
    state = await open_state(read_state(load_settings(data_dir=data_dir)), prepare=False)
    try:
        transport = httpx.ASGITransport(app=create_app(state=state))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers={"X-API-Key": key}
        ) as client:
            await client.post("/graphql", json=body)  # warm the API-key cache
            before = state.graph.round_trips
            await client.post("/graphql", json=body)
            return state.graph.round_trips - before
    finally:
        await close_state(state)


async def timed(
    client: httpx.AsyncClient, body: dict[str, object], requests: int, concurrency: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            t0 = time.perf_counter()
            response = await client.post("/graphql", json=body)
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 200 and "errors" not in response.json()

    wall = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sorted(latencies), time.perf_counter() - wall


async def run(labels: int, requests: int, concurrency: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="rg-bench-", dir=ROOT))
    port = free_port()
    server = start_server(data_dir, port)
    try:
        key = subprocess.run(  # noqa: ASYNC221 - set-up, before anything is timed
            [
                sys.executable,
                "-m",
                "api.cli",
                "apikey",
                "create",
                "--org",
                "bench",
                "--data-dir",
                str(data_dir),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": key}, timeout=60
        ) as client:
            made = await client.post(
                "/graphql",
                json={
                    "query": "mutation { createSession(input:"
                    ' {url: "http://127.0.0.1:9/x.mp4"}) { id } }'
                },
            )
            session_id = made.json()["data"]["createSession"]["id"]
            rows = [
                {
                    "labelType": "user",
                    "startTime": i,
                    "endTime": i + 10,
                    "name": f"l{i}",
                    "data": {"i": i},
                }
                for i in range(labels)
            ]
            started = time.perf_counter()
            added = await client.post(
                "/graphql",
                json={
                    "query": "mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, "
                    "labels: $l) { id } }",
                    "variables": {"s": session_id, "l": rows},
                },
            )
            assert not added.json().get("errors"), added.text
            add_ms = (time.perf_counter() - started) * 1000
            body: dict[str, object] = {"query": QUERY, "variables": {"id": session_id}}
            await timed(client, body, 30, 1)  # warm-up
            serial, _ = await timed(client, body, requests, 1)
            loaded, wall = await timed(client, body, requests, concurrency)
        trips = await count_round_trips(data_dir, key, body)
        p99 = serial[max(0, int(len(serial) * 0.99) - 1)]
        print(f"labels in session:            {labels}")
        print(f"addLabels({labels}) over HTTP: {add_ms:.0f} ms")
        print(f"graph round trips per request: {trips}")
        print(
            f"latency (1 client):  p50 {statistics.median(serial) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms"
        )
        print(
            f"throughput ({concurrency} clients): {requests / wall:.0f} requests/s "
            f"(p50 {statistics.median(loaded) * 1000:.1f} ms)"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(run(args.labels, args.requests, args.concurrency))


if __name__ == "__main__":
    main()
