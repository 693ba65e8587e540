"""Sessions: queries and mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.graphql.types import (
    CreateSessionInput,
    Label,
    LabelGroup,
    Node,
    PageInfo,
    Session,
    SessionConnection,
    SessionEdge,
)
from api.services import sessions as session_service
from graph.errors import NotFound


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
            page_info=PageInfo(
                has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=await ctx.state.sessions.count(principal.org_id, name),
        )

    @strawberry.field(description="A session, label, label group or identity by id.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        ctx = info.context
        org_id = ctx.require_principal().org_id
        session = await ctx.state.sessions.get(str(id), org_id)
        if session is not None:
            return Session.from_domain(session)
        label = await ctx.state.labels.get(str(id), org_id)
        if label is not None:
            return Label.from_domain(label)
        group = await ctx.state.labels.group_labels(str(id), org_id)
        if group is not None:
            return LabelGroup(
                id=id,
                session_id=strawberry.ID(group[0]),
                labels=[Label.from_domain(lab) for lab in group[1]],
            )
        identity = await ctx.state.identities.get(org_id, str(id))
        if identity is not None:
            from api.graphql.face_types import Identity

            return Identity.from_domain(identity)
        return None


@strawberry.type
class SessionMutation:
    @strawberry.mutation(description="A session from an upload (its file_uuid) or a URL.")
    async def create_session(self, info: strawberry.Info, input: CreateSessionInput) -> Session:
        ctx = info.context
        created = await session_service.create_session(
            ctx.state,
            ctx.require_principal(),
            upload_id=str(input.upload_id) if input.upload_id is not None else None,
            url=input.url,
            name=input.name,
            tags=input.tags,
        )
        return Session.from_domain(created)

    @strawberry.mutation
    async def delete_session(self, info: strawberry.Info, id: strawberry.ID) -> bool:
        ctx = info.context
        return await session_service.delete_session(ctx.state, ctx.require_principal(), str(id))

    @strawberry.mutation
    async def set_session_tags(
        self, info: strawberry.Info, session_id: strawberry.ID, tags: JSON
    ) -> Session:
        ctx = info.context
        updated = await session_service.set_session_tags(
            ctx.state, ctx.require_principal(), str(session_id), tags
        )
        if updated is None:
            raise NotFound(f"session {session_id} not found", code="SESSION_NOT_FOUND")
        return Session.from_domain(updated)
