"""Sessions: create from an upload or a URL, delete, set tags."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.graphql.sessions.types import CreateSessionInput, Session
from api.services import sessions as session_service
from graph.errors import ErrorCode, NotFound


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
            raise NotFound(f"session {session_id} not found", code=ErrorCode.SESSION_NOT_FOUND)
        return Session.from_domain(updated)
