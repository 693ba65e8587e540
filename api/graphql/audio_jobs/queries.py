"""Audio jobs: one by id, and the org's jobs page by page."""

from __future__ import annotations

import strawberry

from api.graphql.audio_jobs.types import AudioJob, AudioJobConnection, AudioJobEdge
from api.graphql.common.pagination import PageInfo
from api.services import audio_jobs as audio_job_service


@strawberry.type
class AudioJobQuery:
    @strawberry.field(description="An audio job of the caller's org.")
    async def audio_job(self, info: strawberry.Info, id: strawberry.ID) -> AudioJob | None:
        ctx = info.context
        found = await ctx.state.audio_jobs.get(str(id), ctx.require_principal().org_id)
        return AudioJob.from_domain(found) if found else None

    @strawberry.field(description="The org's audio jobs, newest first.")
    async def audio_jobs(
        self, info: strawberry.Info, first: int | None = 20, after: str | None = None
    ) -> AudioJobConnection:
        ctx = info.context
        principal = ctx.require_principal()
        page, has_next = await audio_job_service.jobs_page(
            ctx.state, principal, first=20 if first is None else first, after=after
        )
        edges = [AudioJobEdge(node=AudioJob.from_domain(j), cursor=c) for j, c in page]
        return AudioJobConnection(
            edges=edges,
            page_info=PageInfo.of(edges, has_next),
            total_count=await ctx.state.audio_jobs.count(principal.org_id),
        )
