"""A session's packet capture (PostgreSQL ``session_pcaps``): where it is, its summary's state.

One capture per session; attaching another replaces the row, and a job that finishes for a
capture that was replaced meanwhile writes nothing (every write names the upload it is for).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import asyncpg

from graph.ids import now_s


@dataclass(frozen=True)
class SessionPcap:
    session_id: str
    org_id: str
    upload_id: str
    path: str
    state: str  # pending | running | done | error
    message: str | None
    summary: dict[str, Any] | None


_UPSERT = """
INSERT INTO session_pcaps (session_id, org_id, upload_id, path, state, message, summary,
                           attached_at)
VALUES ($1, $2, $3, $4, 'pending', NULL, NULL, $5)
ON CONFLICT (session_id) DO UPDATE SET org_id = EXCLUDED.org_id, upload_id = EXCLUDED.upload_id,
    path = EXCLUDED.path, state = 'pending', message = NULL, summary = NULL,
    attached_at = EXCLUDED.attached_at
"""


class PcapStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def attach(self, session_id: str, org_id: str, upload_id: str, path: str) -> None:
        """The session's capture is now this upload's file; its summary is pending."""
        await self.pool.execute(_UPSERT, session_id, org_id, upload_id, path, now_s())

    async def get(self, session_id: str, org_id: str | None = None) -> SessionPcap | None:
        row = await self.pool.fetchrow(
            "SELECT session_id, org_id, upload_id, path, state, message, summary"
            " FROM session_pcaps WHERE session_id = $1 AND ($2::text IS NULL OR org_id = $2)",
            session_id,
            org_id,
        )
        if row is None:
            return None
        summary = json.loads(row["summary"]) if row["summary"] is not None else None
        return SessionPcap(**{**dict(row), "summary": summary})

    async def set_state(
        self,
        session_id: str,
        upload_id: str,
        state: str,
        *,
        message: str | None = None,
        summary: dict[str, Any] | None = None,
    ) -> bool:
        """Move the capture's state; False when the session now has another capture."""
        status = await self.pool.execute(
            "UPDATE session_pcaps SET state = $3, message = $4, summary = $5::jsonb"
            " WHERE session_id = $1 AND upload_id = $2",
            session_id,
            upload_id,
            state,
            message,
            json.dumps(summary) if summary is not None else None,
        )
        return bool(status.endswith(" 1"))

    async def delete_session(self, session_id: str) -> None:
        await self.pool.execute("DELETE FROM session_pcaps WHERE session_id = $1", session_id)
