"""What the benchmarks share: ingesting a local file into a session, removing their data,
tables, percentiles, timing graph statements, resident memory of a process tree."""

from __future__ import annotations

import contextlib
import math
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.services.sessions import create_session
from api.services.state import Principal
from graph.backend.base import GraphBackend, Record
from graph.ids import new_session_id
from graph.state import AppState
from graph.uploads import Upload
from workers.ingest import ingest


async def add_session(
    state: AppState, principal: Principal, path: Path, ctx: dict[str, Any]
) -> str:
    """Copy ``path`` into the media root as an upload, make its session, run the ingest job."""
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


def remove(data_dir: Path) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
    with contextlib.suppress(OSError):  # another run may still be using the parent
        data_dir.parent.rmdir()


def table(rows: list[dict[str, str]]) -> None:
    """Print rows (same keys) as right-aligned columns under their keys."""
    widths = {k: max(len(k), *(len(r[k]) for r in rows)) for k in rows[0]}
    print("  ".join(k.rjust(w) for k, w in widths.items()))
    for r in rows:
        print("  ".join(r[k].rjust(w) for k, w in widths.items()))


def side_by_side(columns: dict[str, dict[str, str]], first: str = "") -> None:
    """Print one row per metric, one column per store (``{store: {metric: value}}``)."""
    metrics = list(dict.fromkeys(m for figures in columns.values() for m in figures))
    table([{first: m} | {s: f.get(m, "-") for s, f in columns.items()} for m in metrics])


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of an ascending sequence (``share`` 0.5 for p50, 0.99 for p99)."""
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


GRAPH_STORES = ("falkordb", "neo4j")


def stores(choice: str) -> list[str]:
    """``--graph falkordb|neo4j|both`` as the list of stores to run."""
    return list(GRAPH_STORES) if choice == "both" else [choice]


@dataclass
class BusyTimer:
    """Wall time while at least one call is in flight (overlapping calls count once)."""

    calls: int = 0
    inflight: int = 0
    intervals: list[tuple[float, float]] = field(default_factory=list)
    _since: float = 0.0

    def enter(self) -> None:
        if self.inflight == 0:
            self._since = time.perf_counter()
        self.inflight += 1
        self.calls += 1

    def exit(self) -> None:
        self.inflight -= 1
        if self.inflight == 0:
            self.intervals.append((self._since, time.perf_counter()))

    def reset(self) -> None:
        self.calls, self.intervals = 0, []

    @property
    def busy(self) -> float:
        return sum(end - start for start, end in self.intervals)


def overlap(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> float:
    """Seconds covered by both interval lists (each list disjoint and in time order)."""
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        total += max(0.0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


@dataclass
class GraphTimer:
    """All statements a graph backend sends, and those of them that are not read-only."""

    all: BusyTimer = field(default_factory=BusyTimer)
    writes: BusyTimer = field(default_factory=BusyTimer)

    def reset(self) -> None:
        self.all.reset()
        self.writes.reset()


def time_graph(graph: GraphBackend) -> GraphTimer:
    """Time every statement ``graph`` sends (its ``_run``, under ``run``/``read``)."""
    timer, inner = GraphTimer(), graph._run

    async def timed_run(query: str, params: dict[str, Any], *, read_only: bool) -> list[Record]:
        timers = [timer.all] if read_only else [timer.all, timer.writes]
        for t in timers:
            t.enter()
        try:
            return await inner(query, params, read_only=read_only)
        finally:
            for t in timers:
                t.exit()

    graph._run = timed_run  # type: ignore[method-assign]
    return timer


def process_tree(pid: int) -> list[int]:
    """``pid`` and every live process below it, from the parent ids in /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo.extend(parents.get(tree[-1], []))
    return tree


def rss_mib(pid: int, *, children: bool = True) -> float:
    """Resident set (VmRSS) of ``pid`` and (unless ``children`` is false) its descendants, MiB."""
    total = 0
    for p in process_tree(pid) if children else [pid]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024
