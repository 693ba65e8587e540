"""Galleries by kind, the whole clip set and statistics, with who may ask for which."""

from __future__ import annotations

from api.services.labelling.access import LabellingCaller, require_campaign
from api.services.pagination import check_first
from api.services.state import AppState
from graph.errors import ErrorCode, InvalidInput, ReelgraphError
from graph.ids import decode_cursor, encode_cursor
from graph.labelling.galleries import PUBLIC_KINDS, GalleryKind, GalleryStore
from graph.labelling.models import Clip, Statistics

MAX_PAGE = 1000
# Answers that count as "this labeller said yes" in the per-labeller gallery.
_YES = [1]
_YES_FOR_RESEARCHERS = [1, 23, 15, 19]

Page = tuple[list[tuple[Clip, str]], bool, int]


def _bad_cursor() -> InvalidInput:
    return InvalidInput("after is not a cursor from this API", code=ErrorCode.INVALID_CURSOR)


def _gallery_after(after: str | None) -> tuple[float, int] | None:
    if after is None:
        return None
    parts = decode_cursor(after, 2)
    if parts is None:
        raise _bad_cursor()
    try:
        return float(parts[0]), int(parts[1])
    except (TypeError, ValueError):
        raise _bad_cursor() from None


async def gallery(
    state: AppState,
    caller: LabellingCaller,
    campaign_id: str,
    kind: GalleryKind,
    *,
    user_id: str | None,
    first: int,
    after: str | None,
) -> Page:
    """A page of the kind's clips, newest change first; researcher kinds for researchers and
    experts only."""
    campaign = await require_campaign(state, caller, campaign_id)
    if kind not in PUBLIC_KINDS and not caller.sees_states:
        raise ReelgraphError(
            "this gallery is for researchers and experts", code=ErrorCode.RESEARCHER_ONLY
        )
    if user_id is not None and kind is not GalleryKind.POSITIVE:
        raise InvalidInput(
            "userId goes with kind POSITIVE only", code=ErrorCode.INVALID_GALLERY_QUERY
        )
    limit = check_first(first, MAX_PAGE)
    user = (user_id, _YES_FOR_RESEARCHERS if caller.researcher else _YES) if user_id else None
    clips, total = await GalleryStore(state.pool).gallery(
        campaign.id, kind, limit=limit + 1, after=_gallery_after(after), user=user
    )
    edges = [(c, encode_cursor(c.label_update_time, c.seq)) for c in clips[:limit]]
    return edges, len(clips) > limit, total


async def all_clips(
    state: AppState, caller: LabellingCaller, campaign_id: str, *, first: int, after: str | None
) -> Page:
    """Every clip of the campaign in insertion order, page by page."""
    campaign = await require_campaign(state, caller, campaign_id)
    limit = check_first(first, MAX_PAGE)
    after_seq: int | None = None
    if after is not None:
        parts = decode_cursor(after, 1)
        if parts is None or not isinstance(parts[0], int):
            raise _bad_cursor()
        after_seq = parts[0]
    clips, total = await GalleryStore(state.pool).clips(
        campaign.id, limit=limit + 1, after_seq=after_seq
    )
    edges = [(c, encode_cursor(c.seq)) for c in clips[:limit]]
    return edges, len(clips) > limit, total


async def statistics(state: AppState, caller: LabellingCaller, campaign_id: str) -> Statistics:
    campaign = await require_campaign(state, caller, campaign_id)
    return await GalleryStore(state.pool).statistics(campaign.id)
