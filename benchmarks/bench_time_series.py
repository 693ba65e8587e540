"""Benchmark: ``range`` and ``stats`` over a 1M-point series, and where each part of the work runs.

Starts the embedded stack in `.reelgraph-bench/<random>` (removed at the end), imports a
1,000,000-point series (one point per 10 ms, 2.8 h) through the service ``addTimeSeries`` calls
(validation + one COPY), then times, each the median of `--reps` runs:
  read      the points of the whole series out of PostgreSQL (binary COPY decoded by numpy; the
            row-by-row ``fetch`` of the same points beside it for comparison);
  range     the intervals of one range request over the whole series (numpy, in the worker);
  stats     mean, std, min, max, sum, count and 5 percentiles over the union of 3 intervals
            covering the whole series (numpy, in the worker);
  signature the group's series signature (count/sum/min/max in SQL, once per stats job).
Run: `.venv/bin/python benchmarks/bench_time_series.py [--points 1000000] [--reps 5]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import numpy as np
from bench_support import remove, table

from analysis.timeseries.points_file import read_points_csv
from analysis.timeseries.ranges import RangeParams, range_intervals
from analysis.timeseries.stats import canonical_metric, interval_stats
from api.services.auth import create_api_key
from api.services.sessions import create_session
from api.services.state import Principal
from api.services.timeseries import add_time_series
from graph.embedded.stack import start_stack
from graph.runtime import close_state, open_state
from graph.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
METRICS = ["mean", "std", "min", "max", "sum", "count"] + [
    f"percentile {q}" for q in (5, 25, 50, 75, 95)
]


async def timed(run: Callable[[], Awaitable[Any]], reps: int) -> tuple[float, Any]:
    """Median seconds of ``reps`` runs, and the last result."""
    times, result = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        result = await run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


async def main(args: argparse.Namespace) -> None:
    data_dir = ROOT / ".reelgraph-bench" / uuid.uuid4().hex[:12]
    stack = start_stack(load_settings(data_dir=data_dir, url_allow_private=True))
    state = await open_state(stack.settings)
    try:
        _, org_id = await create_api_key(state.orgs, "bench-ts", ("file",))
        principal = Principal(org_id, frozenset({"file"}))
        session = await create_session(state, principal, url="http://127.0.0.1:9/x.mp4")
        n = args.points
        rng = np.random.default_rng(0)
        t = np.arange(n, dtype=np.float64) * 10.0
        v = 30 + np.cumsum(rng.normal(0, 0.5, n))
        t0 = time.perf_counter()
        await add_time_series(
            state, principal, session.id, "frame_rate",
            name="Frame rate", category="device", units="fps", t_ms=t.tolist(), values=v.tolist(),
        )  # fmt: skip
        imported = time.perf_counter() - t0
        end = float(t[-1] + 10)
        csv = data_dir / "points.csv"
        np.savetxt(csv, np.column_stack([t, v]), delimiter=",", fmt="%.17g")
        parse_s, _ = await timed(
            lambda: asyncio.to_thread(read_points_csv, csv, n), max(1, args.reps // 2)
        )
        store = state.timeseries

        read_s, (rt, rv) = await timed(
            lambda: store.read_arrays(session.id, "frame_rate", 0, end, held=True), args.reps
        )
        assert len(rt) == n and np.array_equal(rv, v)
        rows_s, _ = await timed(
            lambda: store.points(session.id, "frame_rate"), max(1, args.reps // 2)
        )
        params = RangeParams(lower_limit=25, upper_limit=35, duration_threshold_ms=100,
                             merge_threshold_ms=50)  # fmt: skip
        range_s, spans = await timed(
            lambda: asyncio.to_thread(range_intervals, rt, rv, 0, end, params), args.reps
        )
        thirds = [(0.0, end / 3), (end / 3, 2 * end / 3), (2 * end / 3, end)]
        metrics = [canonical_metric(m) for m in METRICS]
        stats_s, values = await timed(
            lambda: asyncio.to_thread(interval_stats, rt, rv, thirds, metrics), args.reps
        )
        assert values["count"] == n
        signature_s, _ = await timed(
            lambda: state.pool.fetchrow(
                "SELECT count(*), sum(value), min(t_ms), max(t_ms) FROM ts_points"
                " WHERE session_id = $1 AND key = $2", session.id, "frame_rate",
            ),
            args.reps,
        )  # fmt: skip
        ms = lambda s: f"{s * 1000:.0f}"  # noqa: E731
        print(f"{n} points, {len(spans)} range intervals")
        pg, worker = "PostgreSQL COPY", "PostgreSQL → worker"
        rows = [
            ("import (service: checks + COPY)", pg, imported),
            ("parse a CSV upload of the same points", "numpy (API)", parse_s),
            ("read (binary COPY → numpy)", worker, read_s),
            ("read (row fetch, for comparison)", worker, rows_s),
            ("range", "numpy (worker)", range_s),
            ("stats (11 metrics, 3 intervals)", "numpy (worker)", stats_s),
            ("series signature", "SQL", signature_s),
            ("range job total (read + range)", "", read_s + range_s),
            ("stats job total (signature + read + stats)", "", signature_s + read_s + stats_s),
        ]
        table([{"step": step, "where": where, "ms": ms(s)} for step, where, s in rows])
    finally:
        await close_state(state)
        stack.stop()
        remove(data_dir)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
