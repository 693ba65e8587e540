"""Keyframe index (PostgreSQL), written at ingest and read for frame-exact seeking."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg


class KeyframeStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def replace(
        self, session_id: str, keyframes: Sequence[tuple[int, float, int | None]]
    ) -> None:
        """Replace the session's index with (frame_number, pts_ms, byte_pos) rows, atomically."""
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM keyframes WHERE session_id = $1", session_id)
            await conn.copy_records_to_table(
                "keyframes",
                records=[(session_id, f, t, p) for f, t, p in keyframes],
                columns=["session_id", "frame_number", "pts_ms", "byte_pos"],
            )

    async def at_or_before(self, session_id: str, frame_number: int) -> tuple[int, float] | None:
        row = await self.pool.fetchrow(
            "SELECT frame_number, pts_ms FROM keyframes WHERE session_id = $1"
            " AND frame_number <= $2 ORDER BY frame_number DESC LIMIT 1",
            session_id,
            frame_number,
        )
        return (row["frame_number"], row["pts_ms"]) if row else None

    async def count(self, session_id: str) -> int:
        value = await self.pool.fetchval(
            "SELECT count(*) FROM keyframes WHERE session_id = $1", session_id
        )
        return int(value or 0)

    async def delete_session(self, session_id: str) -> None:
        await self.pool.execute("DELETE FROM keyframes WHERE session_id = $1", session_id)
