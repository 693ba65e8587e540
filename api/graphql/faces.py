"""Faces: traces, identities, strangers and co-occurrence queries and corrections."""

from __future__ import annotations

from collections import defaultdict

import strawberry
from strawberry.file_uploads import Upload

from api.graphql.face_types import (
    CoOccurrence,
    FaceTrace,
    FaceTraceConnection,
    FaceTraceEdge,
    Identity,
    IdentityGraph,
    IdentityGraphEdge,
    IdentityInput,
    SessionIdentity,
    trace_representative,
)
from api.graphql.types import Analysis, PageInfo
from api.services import faces as face_service
from api.services import identities as identity_service
from api.services.sessions import require_session


async def resolve_face_traces(
    info: strawberry.Info, session_id: str, first: int, after: str | None
) -> FaceTraceConnection:
    page, has_next, total = await face_service.trace_page(
        info.context.state, session_id, first=first, after=after
    )
    edges = [FaceTraceEdge(node=FaceTrace.from_domain(t), cursor=c) for t, c in page]
    return FaceTraceConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None),
        total_count=total,
    )


async def resolve_session_identities(
    info: strawberry.Info, session_id: str
) -> list[SessionIdentity]:
    rows = await info.context.state.identities.session_traces(session_id)
    grouped: dict[str, list] = defaultdict(list)
    identities = {}
    for identity, trace in rows:
        identities[identity.id] = identity
        grouped[identity.id].append(trace)
    result = [
        SessionIdentity(
            identity=Identity.from_domain(identities[i]),
            face_count=sum(t.face_count for t in traces),
            traces=[FaceTrace.from_domain(t) for t in traces],
        )
        for i, traces in grouped.items()
    ]
    result.sort(key=lambda r: (-r.face_count, r.identity.name))
    return result


@strawberry.type
class FaceQuery:
    @strawberry.field
    async def face_trace(
        self, info: strawberry.Info, session_id: strawberry.ID, trace_id: int
    ) -> FaceTrace | None:
        ctx = info.context
        await require_session(ctx.state, ctx.require_principal(), str(session_id))
        found = await ctx.traces_by_key.load(f"{session_id}:{trace_id}")
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
        if found is None:
            return None
        fps = found.session.fps
        face_a = trace_representative(found.trace_a, fps)
        face_b = trace_representative(found.trace_b, fps)
        assert face_a is not None and face_b is not None  # every written trace has one
        return CoOccurrence(
            identity_a=Identity.from_domain(found.identity_a),
            identity_b=Identity.from_domain(found.identity_b),
            first_frame=found.first_frame,
            timestamp_secs=round(found.first_frame / fps, 3) if fps else 0.0,
            total_cooccurrence_frames=found.total_frames,
            representative_face_a=face_a,
            representative_face_b=face_b,
        )

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
        return IdentityGraph(
            nodes=[Identity.from_domain(i) for i in nodes],
            edges=[
                IdentityGraphEdge(
                    a=strawberry.ID(p.a),
                    b=strawberry.ID(p.b),
                    total_frames=p.total_frames,
                    sessions=len(p.sessions),
                    mutual_gaze=p.mutual_gaze,
                )
                for p in pairs
            ],
        )

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
