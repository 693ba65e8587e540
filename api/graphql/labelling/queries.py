"""Labelling queries: a campaign, a batch to label, galleries, the clip set, statistics."""

from __future__ import annotations

import strawberry

from api.graphql.labelling.resolvers import caller_of, clip_out, connection
from api.graphql.labelling.types import (
    Campaign,
    ClipConnection,
    Labeller,
    LabellingBatch,
    LabellingStatistics,
)
from api.services.labelling import batches as batch_service
from api.services.labelling import galleries as gallery_service
from api.services.labelling import labellers as labeller_service
from api.services.labelling.access import require_campaign
from api.services.labelling.posterior import campaign_posteriors
from graph.errors import NotFound
from graph.labelling.galleries import GalleryKind


@strawberry.type
class LabellingQuery:
    @strawberry.field(description="A labelling campaign of the caller's org.")
    async def campaign(self, info: strawberry.Info, id: strawberry.ID) -> Campaign | None:
        caller = await caller_of(info)
        try:
            found = await require_campaign(info.context.state, caller, str(id))
        except NotFound:
            return None
        return Campaign.from_domain(found)

    @strawberry.field(
        description="Clips for the calling labeller (a labeller token): golds at random places "
        "for non-researchers, none for researchers; no label states. Null with the error "
        "NO_BATCH_AVAILABLE (extensions.reason) when too few clips or golds exist."
    )
    async def labelling_batch(
        self, info: strawberry.Info, campaign_id: strawberry.ID
    ) -> LabellingBatch | None:
        caller = await caller_of(info)
        issued = await batch_service.issue_batch(info.context.state, caller, str(campaign_id))
        return LabellingBatch(
            id=strawberry.ID(issued.id),
            video_token=issued.video_token,
            clips=[clip_out(info, caller, c, show_states=False) for c in issued.clips],
        )

    @strawberry.field(
        description="A gallery, newest change first; GOLD_*, RESEARCHER_*, CITIZEN_* and BAD "
        "for researchers and experts. userId (POSITIVE only): clips that labeller said yes to."
    )
    async def labelling_gallery(
        self,
        info: strawberry.Info,
        campaign_id: strawberry.ID,
        kind: GalleryKind,
        user_id: strawberry.ID | None = None,
        first: int = 16,
        after: str | None = None,
    ) -> ClipConnection:
        caller = await caller_of(info)
        page = await gallery_service.gallery(
            info.context.state,
            caller,
            str(campaign_id),
            kind,
            user_id=str(user_id) if user_id is not None else None,
            first=first,
            after=after,
        )
        return connection(info, caller, page)

    @strawberry.field(description="Every clip of the campaign, in the order they were added.")
    async def labelling_clips(
        self,
        info: strawberry.Info,
        campaign_id: strawberry.ID,
        first: int = 100,
        after: str | None = None,
    ) -> ClipConnection:
        caller = await caller_of(info)
        state = info.context.state
        page = await gallery_service.all_clips(
            state, caller, str(campaign_id), first=first, after=after
        )
        posteriors = (
            await campaign_posteriors(state, str(campaign_id)) if caller.sees_states else {}
        )
        return connection(info, caller, page, posteriors)

    @strawberry.field(description="How many clips are decided and how many half-way.")
    async def labelling_statistics(
        self, info: strawberry.Info, campaign_id: strawberry.ID
    ) -> LabellingStatistics:
        caller = await caller_of(info)
        stats = await gallery_service.statistics(info.context.state, caller, str(campaign_id))
        return LabellingStatistics(
            num_all_videos=stats.num_all,
            num_fully_labeled=stats.num_fully,
            num_partially_labeled=stats.num_partially,
        )

    @strawberry.field(description="A labeller of the caller's org (citizens: only themself).")
    async def labeller(self, info: strawberry.Info, id: strawberry.ID) -> Labeller | None:
        caller = await caller_of(info)
        found = await labeller_service.require_labeller_of_org(info.context.state, caller, str(id))
        return Labeller.from_domain(found, show_client_id=caller.sees_client_id_of(found.id))
