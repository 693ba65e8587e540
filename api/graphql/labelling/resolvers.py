"""Shared steps of the labelling resolvers: the caller, and clips and pages as GraphQL types."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from api.graphql.common.pagination import PageInfo
from api.graphql.labelling.types import Clip, ClipConnection, ClipEdge, LabellerBatch
from api.services.labelling import labellers as labeller_service
from api.services.labelling.access import LabellingCaller, labelling_caller
from graph.labelling import models


async def caller_of(info: strawberry.Info) -> LabellingCaller:
    ctx = info.context
    return await labelling_caller(ctx.state, ctx.principal)


def clip_out(
    info: strawberry.Info,
    caller: LabellingCaller,
    clip: models.Clip,
    *,
    show_states: bool | None = None,
    posterior: float | None = None,
) -> Clip:
    settings = info.context.state.settings
    return Clip.from_domain(
        clip,
        org_id=caller.org_id,
        secret=info.context.state.jwt_secret,
        url_ttl_s=settings.labelling_clip_url_ttl_s,
        show_states=caller.sees_states if show_states is None else show_states,
        posterior=posterior,
    )


def connection(
    info: strawberry.Info,
    caller: LabellingCaller,
    page: tuple[Sequence[tuple[models.Clip, str]], bool, int],
    posteriors: dict[str, float] | None = None,
) -> ClipConnection:
    edges_in, has_next, total = page
    found = posteriors or {}
    edges = [
        ClipEdge(node=clip_out(info, caller, c, posterior=found.get(c.id)), cursor=cursor)
        for c, cursor in edges_in
    ]
    return ClipConnection(edges=edges, page_info=PageInfo.of(edges, has_next), total_count=total)


async def labeller_history(
    info: strawberry.Info, labeller_id: str, first: int
) -> list[LabellerBatch]:
    caller = await caller_of(info)
    labeller = await labeller_service.require_labeller_of_org(
        info.context.state, caller, labeller_id
    )
    batches = await labeller_service.history(info.context.state, labeller, max(0, min(first, 1000)))
    return [
        LabellerBatch(
            id=strawberry.ID(b.id),
            campaign_id=strawberry.ID(b.campaign_id),
            requested_at=b.request_time,
            returned_at=b.return_time,
            score=b.score,
            num_unlabeled=b.num_unlabeled,
            num_gold_standard=b.num_gold_standard,
        )
        for b in batches
    ]
