"""Uploads (PostgreSQL): files streamed to the media root before a session is made of them."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class Upload:
    id: str
    org_id: str
    size_bytes: int
    path: str
    filename: str | None
    content_type: str | None
    session_id: str | None


class UploadStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def add(self, upload: Upload) -> None:
        await self.pool.execute(
            "INSERT INTO uploads (id, org_id, filename, content_type, size_bytes, path)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            upload.id,
            upload.org_id,
            upload.filename,
            upload.content_type,
            upload.size_bytes,
            upload.path,
        )

    async def get(self, upload_id: str, org_id: str) -> Upload | None:
        row = await self.pool.fetchrow(
            "SELECT id, org_id, size_bytes, path, filename, content_type, session_id"
            " FROM uploads WHERE id = $1 AND org_id = $2",
            upload_id,
            org_id,
        )
        return Upload(**dict(row)) if row else None

    async def claim(self, upload_id: str, session_id: str) -> bool:
        """Mark the upload as used by a session; False when another session already has it."""
        status = await self.pool.execute(
            "UPDATE uploads SET session_id = $2 WHERE id = $1 AND session_id IS NULL",
            upload_id,
            session_id,
        )
        return bool(status.endswith(" 1"))

    async def delete_for_session(self, session_id: str) -> None:
        await self.pool.execute("DELETE FROM uploads WHERE session_id = $1", session_id)
