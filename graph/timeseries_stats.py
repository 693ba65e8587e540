"""Summary statistics of time series (PostgreSQL ``ts_stats``): one set per label group.

A group's rows are written whole, with a record of the requests they were computed from
(``members``); a run that finds the same members stored skips the work, so a group of several
stats requests is computed once however many of its jobs run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg

from graph.ids import now_s


@dataclass(frozen=True)
class TimeSeriesStat:
    """One computed metric of a label group's series."""

    session_id: str
    label_group_id: str
    time_series_key: str
    metric: str
    value: float


# Two jobs of one group writing at once take turns (the second then finds the group current).
_LOCK_GROUP = "SELECT pg_advisory_xact_lock(hashtextextended('ts_stats/' || $1 || '/' || $2, 0))"
_MEMBERS = "SELECT members FROM ts_stats_groups WHERE session_id = $1 AND label_group_id = $2"
_LIST = """
SELECT session_id, label_group_id, key, metric, value FROM ts_stats
WHERE session_id = $1 AND ($2::text IS NULL OR label_group_id = $2)
ORDER BY label_group_id, ord
"""


class TimeSeriesStatsStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def members(self, session_id: str, group_id: str) -> str | None:
        """The record of the requests the group's stored stats were computed from."""
        found = await self.pool.fetchval(_MEMBERS, session_id, group_id)
        return str(found) if found is not None else None

    async def replace(
        self,
        session_id: str,
        group_id: str,
        key: str,
        members: str,
        values: Mapping[str, float],
    ) -> None:
        """The group's stats become ``values`` (in their order), computed from ``members``."""
        rows = [
            (session_id, group_id, key, metric, i, float(v))
            for i, (metric, v) in enumerate(values.items())
        ]
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(_LOCK_GROUP, session_id, group_id)
            await conn.execute(
                "DELETE FROM ts_stats WHERE session_id = $1 AND label_group_id = $2",
                session_id,
                group_id,
            )
            await conn.executemany(
                "INSERT INTO ts_stats (session_id, label_group_id, key, metric, ord, value)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                rows,
            )
            await conn.execute(
                "INSERT INTO ts_stats_groups (session_id, label_group_id, key, members,"
                " computed_at) VALUES ($1, $2, $3, $4, $5)"
                " ON CONFLICT (session_id, label_group_id) DO UPDATE SET key = EXCLUDED.key,"
                " members = EXCLUDED.members, computed_at = EXCLUDED.computed_at",
                session_id,
                group_id,
                key,
                members,
                now_s(),
            )

    async def delete_group(self, session_id: str, group_id: str) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(_LOCK_GROUP, session_id, group_id)
            for table in ("ts_stats", "ts_stats_groups"):
                await conn.execute(
                    f"DELETE FROM {table} WHERE session_id = $1 AND label_group_id = $2",
                    session_id,
                    group_id,
                )

    async def list(self, session_id: str, group_id: str | None = None) -> list[TimeSeriesStat]:
        """The session's stats (one group's with ``group_id``), each group in metric order."""
        rows = await self.pool.fetch(_LIST, session_id, group_id)
        return [
            TimeSeriesStat(r["session_id"], r["label_group_id"], r["key"], r["metric"], r["value"])
            for r in rows
        ]
