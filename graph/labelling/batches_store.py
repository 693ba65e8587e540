"""Batches in PostgreSQL: draw candidates, record an issued batch, apply a returned one.

A returned batch is one transaction: the batch row, the labeller row and the clip rows are
locked (clips in id order, so two batches sharing clips wait for each other instead of
deadlocking), the gold check and the state machine run on the locked values, and the answers,
states, scores and the batch's return are written together or not at all.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from graph.errors import Conflict, ErrorCode, ReelgraphError, Unauthenticated
from graph.ids import new_id, now_s
from graph.labelling import states
from graph.labelling.batches import (
    BatchPlan,
    NoBatchReason,
    citizen_batch,
    draw_gold_split,
    researcher_batch,
)
from graph.labelling.models import (
    CLIP_COLUMNS,
    LABELLER_COLUMNS,
    BatchOutcome,
    Campaign,
    Clip,
    LabellerType,
    clip_from_row,
    labeller_from_row,
)

_GOLDS = """
SELECT id FROM labelling_clips WHERE campaign_id = $1 AND label_state_admin = $2
ORDER BY random() LIMIT $3
"""
_NOT_LABELLED_BY = """
NOT EXISTS (SELECT 1 FROM labelling_answers a WHERE a.labeller_id = $2 AND a.clip_id = c.id)
"""
_CITIZEN_POOL = f"""
SELECT id FROM labelling_clips c
WHERE campaign_id = $1 AND label_state = ANY($3::int[])
  AND NOT (label_state_admin = ANY($4::int[])) AND {_NOT_LABELLED_BY}
ORDER BY random() LIMIT $5
"""
_RESEARCHER_POOL = f"""
SELECT id FROM labelling_clips c
WHERE campaign_id = $1 AND label_state_admin = ANY($3::int[]) AND {_NOT_LABELLED_BY}
ORDER BY random() LIMIT $4
"""
_INSERT_BATCH = """
INSERT INTO labelling_batches
    (id, campaign_id, labeller_id, researcher, clip_ids, request_time, num_unlabeled,
     num_gold_standard)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""
# NO KEY UPDATE, not UPDATE: these rows' keys never change, and a plain FOR UPDATE would also
# block the KEY SHARE lock that inserting an answer takes on its labeller and clip (a submission
# and a researcher's setLabelStates on overlapping clips would then deadlock).
_LOCK_BATCH = "SELECT * FROM labelling_batches WHERE id = $1 FOR NO KEY UPDATE"
_LOCK_LABELLER = f"SELECT {LABELLER_COLUMNS} FROM labellers WHERE id = $1 FOR NO KEY UPDATE"
_LOCK_CLIPS = f"""
SELECT {CLIP_COLUMNS} FROM labelling_clips
WHERE campaign_id = $1 AND id = ANY($2::text[]) ORDER BY id FOR NO KEY UPDATE
"""
_CLOSE_BATCH = """
UPDATE labelling_batches SET return_time = $2, connection_id = $3, score = $4,
    user_score = $5, user_raw_score = $6
WHERE id = $1
"""
_SCORE = "UPDATE labellers SET score = score + $2, raw_score = raw_score + $3 WHERE id = $1"
_ANSWERS = """
INSERT INTO labelling_answers (campaign_id, clip_id, labeller_id, batch_id, researcher, label, time)
SELECT $1, u.clip_id, $2, $3, $4, u.label, $5
FROM unnest($6::text[], $7::int[]) AS u(clip_id, label)
"""
_CITIZEN_STATES = f"""
UPDATE labelling_clips k SET label_state = u.state, label_update_time = $2
FROM unnest($1::text[], $3::int[]) AS u(id, state) WHERE k.id = u.id
RETURNING {", ".join("k." + c.strip() for c in CLIP_COLUMNS.split(","))}
"""
_ADMIN_STATES = f"""
UPDATE labelling_clips k SET label_state_admin = u.state, label_update_time = $2
FROM unnest($1::text[], $3::int[]) AS u(id, state) WHERE k.id = u.id
RETURNING {", ".join("k." + c.strip() for c in CLIP_COLUMNS.split(","))}
"""


class BatchStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def issue(
        self, campaign: Campaign, labeller_id: str, researcher: bool, rng: random.Random
    ) -> tuple[str, BatchPlan] | NoBatchReason:
        """Draw and record a batch; the reason when too few clips or golds exist."""
        plan = await self._plan(campaign, labeller_id, researcher, rng)
        if isinstance(plan, str):
            return plan
        batch_id = new_id()
        await self.pool.execute(
            _INSERT_BATCH,
            batch_id,
            campaign.id,
            labeller_id,
            researcher,
            list(plan.clip_ids),
            now_s(),
            len(plan.clip_ids) - len(plan.gold_ids),
            len(plan.gold_ids),
        )
        return batch_id, plan

    async def _plan(
        self, campaign: Campaign, labeller_id: str, researcher: bool, rng: random.Random
    ) -> BatchPlan | NoBatchReason:
        size = campaign.batch_size
        async with self.pool.acquire() as conn:
            if researcher:
                rows = await conn.fetch(
                    _RESEARCHER_POOL,
                    campaign.id,
                    labeller_id,
                    sorted(states.RESEARCHER_OPEN_ADMIN),
                    size,
                )
                return researcher_batch(batch_size=size, open_clips=[r["id"] for r in rows])
            split = draw_gold_split(campaign.gold_per_batch, rng)
            pos = await conn.fetch(_GOLDS, campaign.id, int(states.S.GOLD_POS), split[0])
            neg = await conn.fetch(_GOLDS, campaign.id, int(states.S.GOLD_NEG), split[1])
            slots = size - campaign.gold_per_batch
            barred = sorted(states.CITIZEN_BARRED_ADMIN)
            partial = await conn.fetch(
                _CITIZEN_POOL, campaign.id, labeller_id, sorted(states.PARTIAL), barred, slots
            )
            fresh = await conn.fetch(
                _CITIZEN_POOL, campaign.id, labeller_id, [int(states.S.NO_DATA)], barred, slots
            )
        return citizen_batch(
            batch_size=size,
            gold_split=split,
            gold_positive=[r["id"] for r in pos],
            gold_negative=[r["id"] for r in neg],
            partial=[r["id"] for r in partial],
            fresh=[r["id"] for r in fresh],
            rng=rng,
        )

    async def submit(
        self,
        *,
        batch_id: str,
        campaign_id: str,
        labeller_id: str,
        connection_id: int | None,
        answers: Mapping[str, int],
    ) -> BatchOutcome:
        """Apply a returned batch in one transaction; nothing is written when it raises."""
        async with self.pool.acquire() as conn, conn.transaction():
            batch = await conn.fetchrow(_LOCK_BATCH, batch_id)
            if (
                batch is None
                or batch["labeller_id"] != labeller_id
                or batch["campaign_id"] != campaign_id
                or set(batch["clip_ids"]) != set(answers)
            ):
                raise Unauthenticated(
                    "the batch token does not match this batch", code=ErrorCode.INVALID_BATCH_TOKEN
                )
            if batch["return_time"] is not None:
                raise Conflict(
                    "this batch was already returned", code=ErrorCode.BATCH_ALREADY_RETURNED
                )
            locked = await conn.fetchrow(_LOCK_LABELLER, labeller_id)
            assert locked is not None  # the batch row references it
            labeller = labeller_from_row(locked)
            if labeller.type is LabellerType.BLACKLISTED:
                raise ReelgraphError(
                    "this labeller is blacklisted", code=ErrorCode.LABELLER_BLACKLISTED
                )
            if labeller.is_researcher != batch["researcher"]:
                raise Conflict(
                    "the labeller's role changed since the batch was issued; get a new batch",
                    code=ErrorCode.ROLE_CHANGED,
                )
            rows = await conn.fetch(_LOCK_CLIPS, campaign_id, list(answers))
            clips = {r["id"]: clip_from_row(r) for r in rows}
            now = now_s()
            if labeller.is_researcher:
                changed = await _apply(conn, _ADMIN_STATES, clips, answers, now, researcher=True)
                await _record(conn, campaign_id, labeller_id, batch_id, True, answers, now)
                await conn.execute(_CLOSE_BATCH, batch_id, now, connection_id, None, None, None)
                return BatchOutcome(None, None, None, True, changed)
            admin = {c.id: c.label_state_admin for c in clips.values()}
            passed, score = states.gold_check(admin, dict(answers))
            await conn.execute(_SCORE, labeller_id, score, batch["num_unlabeled"])
            await conn.execute(
                _CLOSE_BATCH, batch_id, now, connection_id, score, labeller.score,
                labeller.raw_score,
            )  # fmt: skip
            changed = ()
            if passed:
                changed = await _apply(conn, _CITIZEN_STATES, clips, answers, now, researcher=False)
                await _record(conn, campaign_id, labeller_id, batch_id, False, answers, now)
            return BatchOutcome(
                score,
                labeller.score + score,
                labeller.raw_score + batch["num_unlabeled"],
                passed,
                changed,
            )

    async def set_states(
        self, campaign_id: str, labeller_id: str | None, items: Mapping[str, int]
    ) -> list[Clip]:
        """A researcher's direct decisions (golds, bad, reset), in one transaction."""
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(_LOCK_CLIPS, campaign_id, list(items))
            clips = {r["id"]: clip_from_row(r) for r in rows}
            missing = sorted(set(items) - set(clips))
            if missing:
                raise ReelgraphError(
                    f"clip {missing[0]} not found in this campaign", code=ErrorCode.CLIP_NOT_FOUND
                )
            now = now_s()
            changed = await _apply(conn, _ADMIN_STATES, clips, items, now, researcher=True)
            await _record(conn, campaign_id, labeller_id, None, True, items, now)
        return list(changed)


async def _apply(
    conn: PoolConnectionProxy[asyncpg.Record],
    statement: str,
    clips: Mapping[str, Clip],
    answers: Mapping[str, int],
    now: float,
    *,
    researcher: bool,
) -> tuple[Clip, ...]:
    """Move each answered clip through the machine; a clip without a transition keeps its state."""
    ids: list[str] = []
    new_states: list[int] = []
    for clip_id, answer in answers.items():
        clip = clips[clip_id]
        if researcher:
            nxt = states.researcher_next(answer)
            ids.append(clip_id)
            new_states.append(clip.label_state_admin if nxt is None else nxt)
        else:
            nxt = states.citizen_next(clip.label_state, answer)
            ids.append(clip_id)
            new_states.append(clip.label_state if nxt is None else nxt)
    rows = await conn.fetch(statement, ids, now, new_states)
    return tuple(clip_from_row(r) for r in rows)


async def _record(
    conn: PoolConnectionProxy[asyncpg.Record],
    campaign_id: str,
    labeller_id: str | None,
    batch_id: str | None,
    researcher: bool,
    answers: Mapping[str, int],
    now: float,
) -> None:
    clip_ids: Sequence[str] = list(answers)
    await conn.execute(
        _ANSWERS,
        campaign_id,
        labeller_id,
        batch_id,
        researcher,
        now,
        clip_ids,
        [answers[c] for c in clip_ids],
    )
