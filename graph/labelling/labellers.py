"""Labellers of an org, their logins (connections) and tutorial records, in PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from graph.ids import new_id, now_s
from graph.labelling.models import LABELLER_COLUMNS, Labeller, LabellerType, labeller_from_row

_UPSERT = f"""
INSERT INTO labellers (id, org_id, client_id, registered_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (org_id, client_id) DO UPDATE SET client_id = EXCLUDED.client_id
RETURNING {LABELLER_COLUMNS}
"""
_CONNECT = """
INSERT INTO labelling_connections (labeller_id, campaign_id, client_type, time)
VALUES ($1, $2, $3, $4) RETURNING id
"""
_GET = f"SELECT {LABELLER_COLUMNS} FROM labellers WHERE id = $1"
_SET_TYPE = f"UPDATE labellers SET client_type = $2 WHERE id = $1 RETURNING {LABELLER_COLUMNS}"
_TUTORIAL = """
WITH added AS (
    INSERT INTO labelling_tutorials (labeller_id, connection_id, action_type, query_type, time)
    SELECT $1, c.id, $3, $4, $5 FROM (SELECT $2::bigint AS wanted) w
    LEFT JOIN labelling_connections c ON c.id = w.wanted AND c.labeller_id = $1
    RETURNING id
)
UPDATE labellers SET best_tutorial_action = greatest(best_tutorial_action, $3)
WHERE id = $1 AND EXISTS (SELECT 1 FROM added)
"""
_HISTORY = """
SELECT id, campaign_id, request_time, return_time, score, num_unlabeled, num_gold_standard
FROM labelling_batches WHERE labeller_id = $1 AND return_time IS NOT NULL
ORDER BY return_time DESC LIMIT $2
"""


@dataclass(frozen=True)
class ReturnedBatch:
    """One returned batch in a labeller's history (score null for a researcher's batch)."""

    id: str
    campaign_id: str
    request_time: float
    return_time: float
    score: int | None
    num_unlabeled: int
    num_gold_standard: int


class LabellerStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def login(self, org_id: str, client_id: str, campaign_id: str) -> tuple[Labeller, int]:
        """The labeller (created on first sight) and a new connection row, in one transaction.

        The connection is recorded for blacklisted labellers too: refusing them is the
        caller's decision, logging the attempt is the store's.
        """
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(_UPSERT, new_id(), org_id, client_id, now_s())
            assert row is not None  # an upsert with RETURNING always returns the row
            labeller = labeller_from_row(row)
            connection_id = await conn.fetchval(
                _CONNECT, labeller.id, campaign_id, int(labeller.type), now_s()
            )
        return labeller, int(connection_id)

    async def get(self, labeller_id: str) -> Labeller | None:
        row = await self.pool.fetchrow(_GET, labeller_id)
        return labeller_from_row(row) if row else None

    async def set_type(self, labeller_id: str, kind: LabellerType) -> Labeller | None:
        row = await self.pool.fetchrow(_SET_TYPE, labeller_id, int(kind))
        return labeller_from_row(row) if row else None

    async def add_tutorial_record(
        self, labeller_id: str, connection_id: int | None, action_type: int, query_type: int
    ) -> None:
        await self.pool.execute(
            _TUTORIAL, labeller_id, connection_id, action_type, query_type, now_s()
        )

    async def history(self, labeller_id: str, limit: int) -> list[ReturnedBatch]:
        rows = await self.pool.fetch(_HISTORY, labeller_id, limit)
        return [ReturnedBatch(**dict(r)) for r in rows]
