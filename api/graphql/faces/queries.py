"""Faces: a trace, identities, where two identities meet, the identity graph and paths."""

from __future__ import annotations

import strawberry

from api.graphql.faces.co_occurrence import CoOccurrence, IdentityGraph
from api.graphql.faces.types import FaceTrace, Identity
from api.services import faces as face_service
from api.services import identities as identity_service
from api.services.sessions import require_session
from graph.faces import trace_key


@strawberry.type
class FaceQuery:
    @strawberry.field
    async def face_trace(
        self, info: strawberry.Info, session_id: strawberry.ID, trace_id: int
    ) -> FaceTrace | None:
        ctx = info.context
        await require_session(ctx.state, ctx.require_principal(), str(session_id))
        found = await ctx.traces_by_key.load(trace_key(str(session_id), trace_id))
        return FaceTrace.from_domain(found) if found else None

    @strawberry.field
    async def identity(self, info: strawberry.Info, id: strawberry.ID) -> Identity | None:
        ctx = info.context
        found = await ctx.state.identities.get(ctx.require_principal().org_id, str(id))
        return Identity.from_domain(found) if found else None

    @strawberry.field(description="The org's identities by name; `after` is the last id seen.")
    async def identities(
        self,
        info: strawberry.Info,
        first: int | None = 50,
        after: str | None = None,
        name: str | None = None,
    ) -> list[Identity]:
        ctx = info.context
        found = await identity_service.identities_page(
            ctx.state, ctx.require_principal(), first=50 if first is None else first,
            after=after, name=name,
        )  # fmt: skip
        return [Identity.from_domain(i) for i in found]

    @strawberry.field(description="Where two identities first share the screen in a session.")
    async def co_occurrence(
        self,
        info: strawberry.Info,
        session_id: strawberry.ID,
        identity_a: strawberry.ID,
        identity_b: strawberry.ID,
    ) -> CoOccurrence | None:
        ctx = info.context
        found = await face_service.co_occurrence(
            ctx.state, ctx.require_principal(), str(session_id), str(identity_a), str(identity_b)
        )
        return CoOccurrence.from_domain(found) if found else None

    @strawberry.field(description="Identities as nodes, co-occurrence as weighted edges.")
    async def identity_graph(
        self, info: strawberry.Info, session_id: strawberry.ID | None = None,
        min_frames: int | None = 1,
    ) -> IdentityGraph:  # fmt: skip
        ctx = info.context
        nodes, pairs = await face_service.identity_graph(
            ctx.state, ctx.require_principal(), str(session_id) if session_id else None,
            1 if min_frames is None else min_frames,
        )  # fmt: skip
        return IdentityGraph.from_domain(nodes, pairs)

    @strawberry.field(description="Shortest chain of identities that share the screen.")
    async def co_occurrence_path(
        self, info: strawberry.Info, identity_a: strawberry.ID, identity_b: strawberry.ID,
        max_hops: int | None = 4,
    ) -> list[Identity] | None:  # fmt: skip
        ctx = info.context
        found = await face_service.co_occurrence_path(
            ctx.state, ctx.require_principal(), str(identity_a), str(identity_b),
            4 if max_hops is None else max_hops,
        )  # fmt: skip
        return None if found is None else [Identity.from_domain(i) for i in found]
