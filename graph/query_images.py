"""Query images (PostgreSQL): an org's images that image-match requests look for.

Every read and delete is scoped to an org: another org's image is as absent as an unknown
one. Listing filters ``name`` with a LIKE pattern (``%`` any run, ``_`` one character,
``\\`` escapes; case-insensitive, as MySQL's default collation compares) and the uploader's
email exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

_COLUMNS = (
    "id::text AS id, org_id, user_id, uploader_email, name, ts_created, width, height, format"
)


@dataclass(frozen=True)
class QueryImage:
    id: str
    org_id: str
    user_id: str | None
    uploader_email: str | None
    name: str | None
    ts_created: float
    width: int
    height: int
    format: str  # PNG, JPEG, WebP or BMP, read from the bytes


class QueryImageStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def add(self, image: QueryImage, data: bytes) -> None:
        await self.pool.execute(
            "INSERT INTO query_images (id, org_id, user_id, uploader_email, name, ts_created,"
            " width, height, format, bytes) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            image.id,
            image.org_id,
            image.user_id,
            image.uploader_email,
            image.name,
            image.ts_created,
            image.width,
            image.height,
            image.format,
            data,
        )

    async def get(self, image_id: str, org_id: str) -> QueryImage | None:
        row = await self.pool.fetchrow(
            f"SELECT {_COLUMNS} FROM query_images WHERE id = $1::uuid AND org_id = $2",
            image_id,
            org_id,
        )
        return QueryImage(**dict(row)) if row else None

    async def data(self, image_id: str, org_id: str) -> tuple[QueryImage, bytes] | None:
        """The image and its original bytes."""
        row = await self.pool.fetchrow(
            f"SELECT {_COLUMNS}, bytes FROM query_images WHERE id = $1::uuid AND org_id = $2",
            image_id,
            org_id,
        )
        if row is None:
            return None
        fields = dict(row)
        data = fields.pop("bytes")
        return QueryImage(**fields), bytes(data)

    async def find(
        self, org_id: str, *, name: str | None = None, email: str | None = None
    ) -> list[QueryImage]:
        """The org's images, newest first; ``name`` a LIKE pattern, ``email`` exact."""
        rows = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM query_images WHERE org_id = $1"
            " AND ($2::text IS NULL OR name ILIKE $2)"
            " AND ($3::text IS NULL OR uploader_email = $3)"
            " ORDER BY ts_created DESC, id",
            org_id,
            name,
            email,
        )
        return [QueryImage(**dict(row)) for row in rows]

    async def delete(self, image_id: str, org_id: str) -> bool:
        status = await self.pool.execute(
            "DELETE FROM query_images WHERE id = $1::uuid AND org_id = $2", image_id, org_id
        )
        return bool(status.endswith(" 1"))
