"""Campaigns and their clips in PostgreSQL: create, add clips idempotently, read."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from graph.labelling.models import (
    CAMPAIGN_COLUMNS,
    CLIP_COLUMNS,
    Campaign,
    Clip,
    campaign_from_row,
    clip_from_row,
)

_INSERT_CAMPAIGN = """
INSERT INTO labelling_campaigns
    (id, org_id, name, question, batch_size, gold_per_batch, clips_from, window_seconds,
     created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""
_GET_CAMPAIGN = f"""
SELECT {CAMPAIGN_COLUMNS},
       (SELECT count(*) FROM labelling_clips k WHERE k.campaign_id = c.id) AS clip_count
FROM labelling_campaigns c WHERE c.id = $1
"""
_INSERT_CLIPS = f"""
INSERT INTO labelling_clips (id, campaign_id, session_id, start_frame, end_frame, fps)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::float8[])
ON CONFLICT (campaign_id, session_id, start_frame, end_frame) DO NOTHING
RETURNING {CLIP_COLUMNS}
"""
_CLIP_IN_ORG = f"""
SELECT {", ".join("k." + c.strip() for c in CLIP_COLUMNS.split(","))}
FROM labelling_clips k JOIN labelling_campaigns c ON c.id = k.campaign_id
WHERE k.id = $1 AND c.org_id = $2
"""
_CLIPS_BY_ID = f"""
SELECT {CLIP_COLUMNS} FROM labelling_clips WHERE campaign_id = $1 AND id = ANY($2::text[])
"""


class CampaignStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def create(self, campaign: Campaign) -> None:
        await self.pool.execute(
            _INSERT_CAMPAIGN,
            campaign.id,
            campaign.org_id,
            campaign.name,
            campaign.question,
            campaign.batch_size,
            campaign.gold_per_batch,
            campaign.clips_from,
            campaign.window_seconds,
            campaign.created_at,
        )

    async def get(self, campaign_id: str) -> Campaign | None:
        row = await self.pool.fetchrow(_GET_CAMPAIGN, campaign_id)
        return campaign_from_row(row) if row else None

    async def add_clips(
        self, campaign_id: str, rows: Sequence[tuple[str, str, int, int, float]]
    ) -> list[Clip]:
        """Insert (clip id, session id, start, end, fps) rows; an existing range is kept."""
        if not rows:
            return []
        ids, sessions, starts, ends, rates = (list(col) for col in zip(*rows, strict=True))
        found = await self.pool.fetch(
            _INSERT_CLIPS, ids, [campaign_id] * len(ids), sessions, starts, ends, rates
        )
        return [clip_from_row(r) for r in found]

    async def clips(self, campaign_id: str, clip_ids: Sequence[str]) -> dict[str, Clip]:
        rows = await self.pool.fetch(_CLIPS_BY_ID, campaign_id, list(clip_ids))
        return {r["id"]: clip_from_row(r) for r in rows}

    async def clip_in_org(self, clip_id: str, org_id: str) -> Clip | None:
        """A clip of any campaign of the org (``node(id:)``)."""
        row = await self.pool.fetchrow(_CLIP_IN_ORG, clip_id, org_id)
        return clip_from_row(row) if row else None
