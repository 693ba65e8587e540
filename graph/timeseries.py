"""Time series (PostgreSQL): ``ts_series`` metadata and ``ts_points`` values per session.

Each point records its source (the request label that produced it, or ``vmaf``): writing a
source's series replaces all of that source's earlier points in one transaction, so
a rerun never duplicates points, and deleting the source deletes exactly its points. A series'
metadata row lives while any source still has points in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from analysis.series import SeriesInfo


@dataclass(frozen=True)
class TimeSeriesPoints:
    """One series' points from one source: times in ms from the session start."""

    info: SeriesInfo
    t_ms: Sequence[float]
    values: Sequence[float]


_INFO = """
SELECT key, name, category, units FROM ts_series WHERE session_id = $1 ORDER BY category, key
"""
_UPSERT_SERIES = """
INSERT INTO ts_series (session_id, key, name, category, units) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (session_id, key)
DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, units = EXCLUDED.units
"""
_DROP_EMPTY_SERIES = """
DELETE FROM ts_series s WHERE s.session_id = $1 AND s.key = ANY($2::text[])
AND NOT EXISTS (SELECT 1 FROM ts_points p WHERE p.session_id = s.session_id AND p.key = s.key)
"""
# Two runs of one source replacing at once (a retry racing a worker presumed dead) take turns:
# under read committed the second DELETE would not see the first one's uncommitted points.
_LOCK_SOURCE = "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))"
_DELETE_SOURCE = """
WITH gone AS (
    DELETE FROM ts_points WHERE session_id = $1 AND source_id = $2 RETURNING key
)
SELECT DISTINCT key FROM gone
"""
_POINTS = """
SELECT t_ms, value FROM ts_points
WHERE session_id = $1 AND key = $2 AND t_ms >= $3 AND t_ms <= $4
ORDER BY t_ms, source_id
"""
_RANGE = """
SELECT min(t_ms) AS lo, max(t_ms) AS hi, count(*) AS n FROM ts_points
WHERE session_id = $1 AND key = $2 AND t_ms >= $3 AND t_ms <= $4
"""
# Min/max downsampling: the range is cut into $5 equal buckets of time and each bucket keeps its
# lowest and its highest point (one point when they coincide), so spikes and dips survive.
_MIN_MAX = """
WITH bucketed AS (
    SELECT t_ms, value,
           least(width_bucket(t_ms, $3::float8, $4::float8, $5::int), $5::int) AS bucket
    FROM ts_points
    WHERE session_id = $1 AND key = $2 AND t_ms >= $3 AND t_ms <= $4
), ranked AS (
    SELECT t_ms, value,
           row_number() OVER (PARTITION BY bucket ORDER BY value, t_ms) AS low,
           row_number() OVER (PARTITION BY bucket ORDER BY value DESC, t_ms) AS high
    FROM bucketed
)
SELECT t_ms, value FROM ranked WHERE low = 1 OR high = 1 ORDER BY t_ms, value
"""


class TimeSeriesStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def replace(
        self, session_id: str, source_id: str, series: Sequence[TimeSeriesPoints]
    ) -> int:
        """Replace every point of the source with the given series; returns points written."""
        rows = [
            (session_id, s.info.key, float(t), float(v), source_id)
            for s in series
            for t, v in zip(s.t_ms, s.values, strict=True)
        ]
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(_LOCK_SOURCE, session_id, source_id)
            deleted = await conn.fetch(_DELETE_SOURCE, session_id, source_id)
            infos = [s.info for s in series]
            await conn.executemany(
                _UPSERT_SERIES, [(session_id, i.key, i.name, i.category, i.units) for i in infos]
            )
            if rows:
                await conn.copy_records_to_table(
                    "ts_points",
                    records=rows,
                    columns=["session_id", "key", "t_ms", "value", "source_id"],
                )
            dropped = sorted({r["key"] for r in deleted} - {s.info.key for s in series})
            if dropped:
                await conn.execute(_DROP_EMPTY_SERIES, session_id, dropped)
        return len(rows)

    async def delete_source(self, session_id: str, source_id: str) -> list[str]:
        """Delete every point of one source; returns the keys it had points in."""
        async with self.pool.acquire() as conn, conn.transaction():
            deleted = await conn.fetch(_DELETE_SOURCE, session_id, source_id)
            keys = sorted({r["key"] for r in deleted})
            if keys:
                await conn.execute(_DROP_EMPTY_SERIES, session_id, keys)
        return keys

    async def info(self, session_id: str) -> list[SeriesInfo]:
        rows = await self.pool.fetch(_INFO, session_id)
        return [SeriesInfo(r["key"], r["name"], r["category"], r["units"]) for r in rows]

    async def points(
        self,
        session_id: str,
        key: str,
        *,
        start_ms: float | None = None,
        end_ms: float | None = None,
        max_points: int | None = None,
    ) -> list[tuple[float, float]] | None:
        """Points in ``[start_ms, end_ms]``; None when the session has no such series.

        With ``max_points`` and more points than that, each of ``max_points // 2`` equal time
        buckets keeps its minimum and its maximum.
        """
        exists = await self.pool.fetchval(
            "SELECT 1 FROM ts_series WHERE session_id = $1 AND key = $2", session_id, key
        )
        if not exists:
            return None
        lo = float("-inf") if start_ms is None else start_ms
        hi = float("inf") if end_ms is None else end_ms
        async with self.pool.acquire() as conn:
            if max_points is not None:
                span = await conn.fetchrow(_RANGE, session_id, key, lo, hi)
                if span is not None and span["n"] > max_points:
                    buckets = max(1, max_points // 2)
                    # the last point's bucket would be buckets + 1: least() folds it back
                    top = span["hi"] if span["hi"] > span["lo"] else span["lo"] + 1.0
                    rows = await conn.fetch(_MIN_MAX, session_id, key, span["lo"], top, buckets)
                    return [(r["t_ms"], r["value"]) for r in rows]
            rows = await conn.fetch(_POINTS, session_id, key, lo, hi)
        return [(r["t_ms"], r["value"]) for r in rows]

    async def delete_session(self, session_id: str) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM ts_points WHERE session_id = $1", session_id)
            await conn.execute("DELETE FROM ts_series WHERE session_id = $1", session_id)
