"""Sessions: one by id, and the org's sessions page by page."""

from __future__ import annotations

import strawberry

from api.graphql.common.pagination import PageInfo
from api.graphql.sessions.types import Session, SessionConnection, SessionEdge
from api.services import sessions as session_service


@strawberry.type
class SessionQuery:
    @strawberry.field
    async def session(self, info: strawberry.Info, id: strawberry.ID) -> Session | None:
        ctx = info.context
        found = await ctx.state.sessions.get(str(id), ctx.require_principal().org_id)
        return Session.from_domain(found) if found else None

    @strawberry.field(description="The org's sessions, newest first.")
    async def sessions(
        self,
        info: strawberry.Info,
        first: int | None = 20,
        after: str | None = None,
        name: str | None = None,
    ) -> SessionConnection:
        ctx = info.context
        principal = ctx.require_principal()
        page, has_next = await session_service.sessions_page(
            ctx.state, principal, first=20 if first is None else first, after=after, name=name
        )
        edges = [SessionEdge(node=Session.from_domain(s), cursor=c) for s, c in page]
        return SessionConnection(
            edges=edges,
            page_info=PageInfo.of(edges, has_next),
            total_count=await ctx.state.sessions.count(principal.org_id, name),
        )
