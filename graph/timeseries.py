"""Time series (PostgreSQL): ``ts_series`` metadata and ``ts_points`` values per session.

Each point records its source (the request label that produced it, ``vmaf``, ``pcap``, or
``import:<key>`` for an imported series): writing a source's series replaces all of that
source's earlier points in one transaction, so a rerun never duplicates points, and deleting
the source deletes exactly its points. A series' metadata row lives while any source still has
points in it. Imports are streamed in with COPY; analyses read points back with a binary COPY
decoded by numpy (``read_arrays``), a million points in one stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import asyncpg
import numpy as np

from analysis.series import SeriesInfo
from graph.error_codes import ErrorCode
from graph.errors import Conflict

# The source of an imported series: one per key, so re-importing a key replaces only it.
IMPORT_SOURCE_PREFIX = "import:"
# A binary COPY of (t_ms, value) rows: a 19-byte header, then per row a field count and two
# length-prefixed float8s (26 bytes), then a 2-byte trailer.
_COPY_HEADER = 19
_COPY_ROW = np.dtype([("n", ">i2"), ("lt", ">i4"), ("t", ">f8"), ("lv", ">i4"), ("v", ">f8")])


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


_OTHER_SOURCES = """
SELECT 1 FROM ts_points WHERE session_id = $1 AND key = $2 AND source_id <> $3 LIMIT 1
"""
_BEFORE = """
SELECT max(t_ms) FROM ts_points WHERE session_id = $1 AND key = $2 AND t_ms <= $3
"""
_ARRAYS = """
SELECT t_ms, value FROM ts_points
WHERE session_id = $1 AND key = $2 AND t_ms >= $3::float8 AND t_ms < $4::float8
ORDER BY t_ms, source_id
"""


def import_source(key: str) -> str:
    """The source id of an imported series of ``key``."""
    return IMPORT_SOURCE_PREFIX + key


def _decode_copy(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    if len(raw) < _COPY_HEADER + 2:
        return np.empty(0), np.empty(0)
    rows = np.frombuffer(
        raw,
        dtype=_COPY_ROW,
        offset=_COPY_HEADER,
        count=(len(raw) - _COPY_HEADER - 2) // _COPY_ROW.itemsize,
    )
    return rows["t"].astype(np.float64), rows["v"].astype(np.float64)


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

    async def import_series(
        self, session_id: str, info: SeriesInfo, t_ms: Iterable[float], values: Iterable[float]
    ) -> int:
        """Store an external series under ``info.key``, replacing an earlier import of that key.

        The points are streamed with COPY in the same transaction that deletes the earlier
        import, so readers see the old series or the new one. A key that another source
        (an analysis) already writes is TIME_SERIES_KEY_TAKEN.
        """
        source = import_source(info.key)
        rows = (
            (session_id, info.key, float(t), float(v), source)
            for t, v in zip(t_ms, values, strict=True)
        )
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(_LOCK_SOURCE, session_id, source)
            if await conn.fetchval(_OTHER_SOURCES, session_id, info.key, source):
                raise Conflict(
                    f"series {info.key!r} is written by an analysis of this session; "
                    "import under another key",
                    code=ErrorCode.TIME_SERIES_KEY_TAKEN,
                )
            await conn.execute(
                "DELETE FROM ts_points WHERE session_id = $1 AND source_id = $2",
                session_id,
                source,
            )
            await conn.execute(
                _UPSERT_SERIES, session_id, info.key, info.name, info.category, info.units
            )
            result = await conn.copy_records_to_table(
                "ts_points",
                records=rows,
                columns=["session_id", "key", "t_ms", "value", "source_id"],
            )
        return int(result.split()[-1])

    async def exists(self, session_id: str, key: str) -> bool:
        """Whether the session has a series ``key``."""
        found = await self.pool.fetchval(
            "SELECT 1 FROM ts_series WHERE session_id = $1 AND key = $2", session_id, key
        )
        return bool(found)

    async def continues_after(self, session_id: str, key: str, t_ms: float) -> bool:
        """Whether the series has a point at or after ``t_ms``."""
        found = await self.pool.fetchval(
            "SELECT 1 FROM ts_points WHERE session_id = $1 AND key = $2 AND t_ms >= $3 LIMIT 1",
            session_id,
            key,
            t_ms,
        )
        return bool(found)

    async def last_times(self, session_id: str, key: str, count: int) -> list[float]:
        """The series' last ``count`` distinct point times, ascending."""
        rows = await self.pool.fetch(
            "SELECT DISTINCT t_ms FROM ts_points WHERE session_id = $1 AND key = $2"
            " ORDER BY t_ms DESC LIMIT $3",
            session_id,
            key,
            count,
        )
        return sorted(float(r["t_ms"]) for r in rows)

    async def read_arrays(
        self, session_id: str, key: str, start_ms: float, end_ms: float, *, held: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """The points with ``start_ms <= t < end_ms`` as two float64 arrays, ``t`` ascending.

        With ``held``, the range starts at the last point at or before ``start_ms`` instead (the
        value in force at ``start_ms``). Read with a binary COPY: a million points arrive in
        one stream and are decoded by numpy, not row by row.
        """
        lo = start_ms
        if held:
            before = await self.pool.fetchval(_BEFORE, session_id, key, start_ms)
            if before is not None:
                lo = float(before)
        chunks: list[bytes] = []

        async def sink(chunk: bytes) -> None:
            chunks.append(chunk)

        async with self.pool.acquire() as conn:
            await conn.copy_from_query(
                _ARRAYS, session_id, key, lo, end_ms, output=sink, format="binary"
            )
        return _decode_copy(b"".join(chunks))

    async def delete_session(self, session_id: str) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            # the session's capture row too: its summary is what the network series came from
            for table in ("ts_points", "ts_series", "ts_stats", "ts_stats_groups", "session_pcaps"):
                await conn.execute(f"DELETE FROM {table} WHERE session_id = $1", session_id)
