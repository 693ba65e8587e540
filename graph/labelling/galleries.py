"""Galleries, the whole clip set and statistics of a campaign: read-only SQL, paginated.

Galleries are newest-change first (``label_update_time``, then insertion order), with keyset
cursors; the whole set is in insertion order. Each gallery kind is one SQL condition over the
two state columns, built from the state sets in :mod:`graph.labelling.states` only.
"""

from __future__ import annotations

from enum import StrEnum

import asyncpg

from graph.labelling.models import CLIP_COLUMNS, Clip, Statistics, clip_from_row
from graph.labelling.states import EXCLUDED_ADMIN, FULL, NEGATIVE, PARTIAL, POSITIVE, S


class GalleryKind(StrEnum):
    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    MAYBE_POSITIVE = "MAYBE_POSITIVE"
    MAYBE_NEGATIVE = "MAYBE_NEGATIVE"
    DISCORD = "DISCORD"
    GOLD_POSITIVE = "GOLD_POSITIVE"
    GOLD_NEGATIVE = "GOLD_NEGATIVE"
    RESEARCHER_POSITIVE = "RESEARCHER_POSITIVE"
    RESEARCHER_NEGATIVE = "RESEARCHER_NEGATIVE"
    CITIZEN_POSITIVE = "CITIZEN_POSITIVE"
    CITIZEN_NEGATIVE = "CITIZEN_NEGATIVE"
    BAD = "BAD"


# Anyone of the campaign may browse these; the rest are for researchers and experts.
PUBLIC_KINDS = frozenset(
    {
        GalleryKind.POSITIVE,
        GalleryKind.NEGATIVE,
        GalleryKind.MAYBE_POSITIVE,
        GalleryKind.MAYBE_NEGATIVE,
        GalleryKind.DISCORD,
    }
)


def _in(column: str, values: frozenset[S] | set[int]) -> str:
    return f"{column} IN ({', '.join(str(int(v)) for v in sorted(values))})"


_EXCL = f"NOT {_in('label_state_admin', EXCLUDED_ADMIN)}"
_DECIDED = POSITIVE | NEGATIVE


def _final(side: frozenset[S]) -> str:
    return (
        f"{_EXCL} AND ({_in('label_state_admin', side)} OR "
        f"(NOT {_in('label_state_admin', _DECIDED)} AND {_in('label_state', side)}))"
    )


CONDITIONS: dict[GalleryKind, str] = {
    GalleryKind.POSITIVE: _final(POSITIVE),
    GalleryKind.NEGATIVE: _final(NEGATIVE),
    GalleryKind.MAYBE_POSITIVE: f"label_state = {int(S.MAYBE_POS)} AND {_EXCL}",
    GalleryKind.MAYBE_NEGATIVE: f"label_state = {int(S.MAYBE_NEG)} AND {_EXCL}",
    GalleryKind.DISCORD: f"label_state = {int(S.DISCORD)} AND {_EXCL}",
    GalleryKind.GOLD_POSITIVE: f"label_state_admin = {int(S.GOLD_POS)}",
    GalleryKind.GOLD_NEGATIVE: f"label_state_admin = {int(S.GOLD_NEG)}",
    GalleryKind.RESEARCHER_POSITIVE: _in("label_state_admin", POSITIVE),
    GalleryKind.RESEARCHER_NEGATIVE: _in("label_state_admin", NEGATIVE),
    GalleryKind.CITIZEN_POSITIVE: f"{_in('label_state', POSITIVE)} AND {_EXCL}",
    GalleryKind.CITIZEN_NEGATIVE: f"{_in('label_state', NEGATIVE)} AND {_EXCL}",
    GalleryKind.BAD: f"label_state_admin = {int(S.BAD)}",
}
# Positive answers of one labeller; a researcher caller also counts researcher positives.
# ({labeller} and {labels} are the numbers of the two parameters in the statement at hand)
_BY_USER = """
label_state_admin <> 47 AND EXISTS (
    SELECT 1 FROM labelling_answers a
    WHERE a.clip_id = labelling_clips.id AND a.labeller_id = ${labeller}
      AND a.label = ANY(${labels}::int[]))
"""
_PAGE_ORDER = """
AND ($3::double precision IS NULL OR (label_update_time, seq) < ($3, $4::bigint))
ORDER BY label_update_time DESC, seq DESC LIMIT $2
"""
_STATS = f"""
SELECT count(*) FILTER (WHERE {_EXCL}) AS num_all,
       count(*) FILTER (WHERE {_EXCL} AND ({_in("label_state_admin", FULL)}
                                          OR {_in("label_state", FULL)})) AS num_fully,
       count(*) FILTER (WHERE {_EXCL} AND NOT {_in("label_state_admin", FULL)}
                              AND NOT {_in("label_state", FULL)}
                              AND {_in("label_state", PARTIAL)}) AS num_partially,
       (SELECT count(*) FROM labelling_batches b
        WHERE b.campaign_id = $1 AND b.return_time IS NOT NULL) AS batches_returned
FROM labelling_clips WHERE campaign_id = $1
"""


class GalleryStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def gallery(
        self,
        campaign_id: str,
        kind: GalleryKind,
        *,
        limit: int,
        after: tuple[float, int] | None,
        user: tuple[str, list[int]] | None = None,
    ) -> tuple[list[Clip], int]:
        """A page of the kind's clips, newest change first, and how many there are in all."""
        extra = [user[0], user[1]] if user else []

        def where(first_extra: int) -> str:
            condition = (
                _BY_USER.format(labeller=first_extra, labels=first_extra + 1)
                if user
                else CONDITIONS[kind]
            )
            return f"campaign_id = $1 AND {condition}"

        after_t, after_seq = after if after else (None, None)
        rows = await self.pool.fetch(
            f"SELECT {CLIP_COLUMNS} FROM labelling_clips WHERE {where(5)} {_PAGE_ORDER}",
            campaign_id,
            limit,
            after_t,
            after_seq,
            *extra,
        )
        total = await self.pool.fetchval(
            f"SELECT count(*) FROM labelling_clips WHERE {where(2)}", campaign_id, *extra
        )
        return [clip_from_row(r) for r in rows], int(total)

    async def clips(
        self, campaign_id: str, *, limit: int, after_seq: int | None
    ) -> tuple[list[Clip], int]:
        rows = await self.pool.fetch(
            f"SELECT {CLIP_COLUMNS} FROM labelling_clips WHERE campaign_id = $1 "
            "AND ($3::bigint IS NULL OR seq > $3) ORDER BY seq LIMIT $2",
            campaign_id,
            limit,
            after_seq,
        )
        total = await self.pool.fetchval(
            "SELECT count(*) FROM labelling_clips WHERE campaign_id = $1", campaign_id
        )
        return [clip_from_row(r) for r in rows], int(total)

    async def statistics(self, campaign_id: str) -> Statistics:
        row = await self.pool.fetchrow(_STATS, campaign_id)
        assert row is not None  # an aggregate always returns one row
        return Statistics(
            num_all=row["num_all"],
            num_fully=row["num_fully"],
            num_partially=row["num_partially"],
            batches_returned=row["batches_returned"],
        )
