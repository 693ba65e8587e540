"""Faces: create and merge identities, correct traces, name strangers, trace again."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from api.graphql.analyses.types import Analysis
from api.graphql.faces.types import FaceTrace, Identity, IdentityInput
from api.services import faces as face_service
from api.services import identities as identity_service


@strawberry.type
class FaceMutation:
    @strawberry.mutation(description="A person to recognise; images become the gallery.")
    async def create_identity(
        self, info: strawberry.Info, input: IdentityInput, images: list[Upload] | None = None
    ) -> Identity:
        ctx = info.context
        principal = ctx.require_principal()
        data = await identity_service.read_images(ctx.state, images or [])
        created = await identity_service.create_identity(ctx.state, principal, input.fields(), data)
        return Identity.from_domain(created)

    @strawberry.mutation(description="`merge` disappears into `keep` (gallery and traces).")
    async def merge_identities(
        self, info: strawberry.Info, keep: strawberry.ID, merge: strawberry.ID
    ) -> Identity:
        ctx = info.context
        kept = await identity_service.merge_identities(
            ctx.state, ctx.require_principal(), str(keep), str(merge)
        )
        return Identity.from_domain(kept)

    @strawberry.mutation(description="Set who a trace is (identityId null: nobody).")
    async def assign_trace(
        self, info: strawberry.Info, session_id: strawberry.ID, trace_id: int,
        identity_id: strawberry.ID | None = None,
    ) -> FaceTrace:  # fmt: skip
        ctx = info.context
        trace = await face_service.assign_trace(
            ctx.state, ctx.require_principal(), str(session_id), trace_id,
            str(identity_id) if identity_id is not None else None,
        )  # fmt: skip
        return FaceTrace.from_domain(trace)

    @strawberry.mutation(description="Name a stranger: it becomes an identity with its traces.")
    async def promote_stranger(
        self, info: strawberry.Info, session_id: strawberry.ID, stranger_id: int,
        input: IdentityInput,
    ) -> Identity:  # fmt: skip
        ctx = info.context
        created = await face_service.promote_stranger(
            ctx.state, ctx.require_principal(), str(session_id), stranger_id, input.fields()
        )
        return Identity.from_domain(created)

    @strawberry.mutation(description="Run face tracing again (replaces the session's traces).")
    async def retrace_faces(self, info: strawberry.Info, session_id: strawberry.ID) -> Analysis:
        ctx = info.context
        found = await face_service.retrace_faces(
            ctx.state, ctx.require_principal(), str(session_id)
        )
        return Analysis.from_domain(found)
