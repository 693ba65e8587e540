"""Time series (PostgreSQL): ``ts_series`` metadata and ``ts_points`` values per session."""

from __future__ import annotations

import asyncpg


class TimeSeriesStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def delete_session(self, session_id: str) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM ts_points WHERE session_id = $1", session_id)
            await conn.execute("DELETE FROM ts_series WHERE session_id = $1", session_id)
