"""``labellingProgress``: a campaign's counts now, then after every returned batch or decision."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry

from api.graphql.labelling.resolvers import caller_of
from api.graphql.labelling.types import LabellingProgress
from api.services.labelling.access import require_campaign
from api.services.labelling.progress import progress_events


@strawberry.type
class LabellingSubscription:
    @strawberry.subscription(description="Counts of the campaign, sent at once and on change.")
    async def labelling_progress(
        self, info: strawberry.Info, campaign_id: strawberry.ID
    ) -> AsyncGenerator[LabellingProgress, None]:
        state = info.context.state
        campaign = await require_campaign(state, await caller_of(info), str(campaign_id))
        async with aclosing(progress_events(state, campaign.id)) as events:
            async for stats in events:
                yield LabellingProgress(
                    campaign_id=strawberry.ID(campaign.id),
                    num_fully_labeled=stats.num_fully,
                    num_partially_labeled=stats.num_partially,
                    batches_returned=stats.batches_returned,
                )
