"""Runs of an analysis key (PostgreSQL): one row per (session, key, source).

Several request labels can ask for the same analysis key of a session ("blurriness" for three
``video-content`` labels). Each label's job is a run; the key's ``Analysis`` node sums its runs
up; how is the rule of workers/progress.py, the one writer of analysis state. Writers hold a
transaction-scoped advisory lock per (session, key) while they change a run and write the node,
so two jobs finishing together cannot leave the node behind its runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from graph.analyses import AnalysisState


@dataclass(frozen=True)
class Run:
    """One source's run of a key: its state and message."""

    source_id: str
    state: AnalysisState
    message: str | None


_UPSERT = """
INSERT INTO analysis_runs (session_id, key, source_id, state, message, updated_at)
VALUES ($1, $2, $3, $4, $5, now())
ON CONFLICT (session_id, key, source_id)
DO UPDATE SET state = EXCLUDED.state, message = EXCLUDED.message, updated_at = now()
"""
_RUNS = """
SELECT source_id, state, message FROM analysis_runs
WHERE session_id = $1 AND key = $2 ORDER BY updated_at, source_id
"""


class RunLedger:
    """The runs of some keys of one session, inside a locked transaction."""

    def __init__(self, conn: asyncpg.pool.PoolConnectionProxy, session_id: str) -> None:
        self.conn = conn
        self.session_id = session_id

    async def set(
        self, key: str, source_id: str, state: AnalysisState, message: str | None = None
    ) -> None:
        await self.conn.execute(_UPSERT, self.session_id, key, source_id, state.value, message)

    async def remove_source(self, key: str, source_id: str) -> None:
        await self.conn.execute(
            "DELETE FROM analysis_runs WHERE session_id = $1 AND key = $2 AND source_id = $3",
            self.session_id,
            key,
            source_id,
        )

    async def runs(self, key: str) -> list[Run]:
        """The key's runs, oldest change first."""
        rows = await self.conn.fetch(_RUNS, self.session_id, key)
        return [Run(r["source_id"], AnalysisState(r["state"]), r["message"]) for r in rows]


class AnalysisRunStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @asynccontextmanager
    async def locked(self, session_id: str, keys: Sequence[str]) -> AsyncIterator[RunLedger]:
        """A transaction holding the (session, key) locks of ``keys``, taken in sorted order."""
        async with self.pool.acquire() as conn, conn.transaction():
            for key in sorted(set(keys)):
                await conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                    f"analysis-run:{session_id}:{key}",
                )
            yield RunLedger(conn, session_id)

    async def keys_of_source(self, session_id: str, source_id: str) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT key FROM analysis_runs WHERE session_id = $1 AND source_id = $2 ORDER BY key",
            session_id,
            source_id,
        )
        return [r["key"] for r in rows]

    async def delete_session(self, session_id: str) -> None:
        await self.pool.execute("DELETE FROM analysis_runs WHERE session_id = $1", session_id)
