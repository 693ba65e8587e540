"""Gallery embeddings of identities (PostgreSQL): what traces are matched against."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import numpy as np
from asyncpg import Record
from asyncpg.pool import PoolConnectionProxy


async def _next_idx(conn: PoolConnectionProxy[Record], identity_id: str) -> int:
    value = await conn.fetchval(
        "SELECT coalesce(max(idx) + 1, 0) FROM identity_faces WHERE identity_id = $1",
        identity_id,
    )
    return int(value)


class IdentityGalleryStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def add(self, identity_id: str, org_id: str, vectors: Sequence[np.ndarray]) -> int:
        """Append reference embeddings; returns the identity's gallery size."""
        async with self.pool.acquire() as conn, conn.transaction():
            start = await _next_idx(conn, identity_id)
            await conn.copy_records_to_table(
                "identity_faces",
                records=[
                    (identity_id, org_id, start + i, v.astype(float).tolist())
                    for i, v in enumerate(vectors)
                ],
                columns=["identity_id", "org_id", "idx", "embedding"],
            )
            return start + len(vectors)

    async def of_org(self, org_id: str) -> list[tuple[str, np.ndarray]]:
        rows = await self.pool.fetch(
            "SELECT identity_id, embedding FROM identity_faces WHERE org_id = $1"
            " ORDER BY identity_id, idx",
            org_id,
        )
        return [(r["identity_id"], np.asarray(r["embedding"], np.float32)) for r in rows]

    async def move(self, from_identity: str, to_identity: str) -> None:
        """Merge galleries: every embedding of ``from_identity`` now belongs to the other."""
        async with self.pool.acquire() as conn, conn.transaction():
            start = await _next_idx(conn, to_identity)
            await conn.execute(
                "UPDATE identity_faces SET identity_id = $2, idx = idx + $3 WHERE identity_id = $1",
                from_identity,
                to_identity,
                start,
            )

    async def delete(self, identity_id: str) -> None:
        await self.pool.execute("DELETE FROM identity_faces WHERE identity_id = $1", identity_id)
