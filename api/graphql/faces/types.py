"""GraphQL types of face traces, strangers and identities (built from graph domain objects).

Sessions sit above faces among the areas: a session lists its traces, strangers and identities.
The one field that points back up, ``Identity.sessions``, names ``Session`` with
``strawberry.lazy`` and imports it only when it resolves, so the areas import without a cycle.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.common.node import Node
from api.graphql.common.pagination import PageInfo
from api.graphql.faces.detections import (
    FaceDetectionConnection,
    RepresentativeFace,
    session_fps,
    trace_representative,
)
from api.services import faces as face_service
from graph.faces import CoOccurs as CoOccursDomain
from graph.faces import FaceTrace as FaceTraceDomain
from graph.faces import Stranger as StrangerDomain
from graph.faces import trace_key
from graph.identities import Identity as IdentityDomain

if TYPE_CHECKING:
    from api.graphql.sessions.types import Session

_SESSIONS = "api.graphql.sessions.types"


@strawberry.type
class CoOccursWith:
    other: FaceTrace
    first_frame: int
    last_frame: int
    total_frames: int
    mutual_gaze: bool
    mutual_gaze_first_frame: int | None

    @classmethod
    def from_domain(cls, edge: CoOccursDomain) -> CoOccursWith:
        return cls(
            other=FaceTrace.from_domain(edge.other), first_frame=edge.first_frame,
            last_frame=edge.last_frame, total_frames=edge.total_frames,
            mutual_gaze=edge.mutual_gaze, mutual_gaze_first_frame=edge.mutual_gaze_first_frame,
        )  # fmt: skip


@strawberry.type
class FaceTrace:
    session_id: strawberry.ID
    trace_id: int
    start_frame: int
    end_frame: int
    face_count: int
    _domain: strawberry.Private[FaceTraceDomain]

    @classmethod
    def from_domain(cls, trace: FaceTraceDomain) -> FaceTrace:
        return cls(
            session_id=strawberry.ID(trace.session_id), trace_id=trace.trace_id,
            start_frame=trace.start_frame, end_frame=trace.end_frame,
            face_count=trace.face_count, _domain=trace,
        )  # fmt: skip

    @strawberry.field
    async def identity(self, info: strawberry.Info) -> Identity | None:
        link = await info.context.trace_links.load(self._domain.key)
        if link is None or link.identity_id is None:
            return None
        found = await info.context.identities_by_id.load(link.identity_id)
        return Identity.from_domain(found) if found else None

    @strawberry.field(description="Similarity to the identity's gallery (1.0 when set by hand).")
    async def identity_similarity(self, info: strawberry.Info) -> float | None:
        link = await info.context.trace_links.load(self._domain.key)
        return link.similarity if link and link.identity_id else None

    @strawberry.field
    async def stranger(self, info: strawberry.Info) -> Stranger | None:
        link = await info.context.trace_links.load(self._domain.key)
        if link is None or link.stranger_id is None:
            return None
        strangers = await info.context.strangers_by_session.load(self._domain.session_id)
        found = next((s for s in strangers if s.stranger_id == link.stranger_id), None)
        return Stranger.from_domain(found) if found else None

    @strawberry.field
    async def representative_face(self, info: strawberry.Info) -> RepresentativeFace | None:
        if self._domain.representative is None:
            return None
        fps = await session_fps(info, self._domain.session_id)
        return trace_representative(self._domain, fps)

    @strawberry.field
    async def detections(
        self, info: strawberry.Info, first: int | None = 100, after: str | None = None
    ) -> FaceDetectionConnection:
        return await FaceDetectionConnection.of_trace(
            info, self._domain.session_id, self.trace_id, 100 if first is None else first, after
        )

    @strawberry.field
    async def co_occurs_with(self, info: strawberry.Info) -> list[CoOccursWith]:
        found = await info.context.co_occurs_by_trace.load(self._domain.key)
        return [CoOccursWith.from_domain(e) for e in found]


@strawberry.type
class FaceTraceEdge:
    node: FaceTrace
    cursor: str


@strawberry.type
class FaceTraceConnection:
    edges: list[FaceTraceEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    async def of_session(
        cls, info: strawberry.Info, session_id: str, first: int, after: str | None
    ) -> FaceTraceConnection:
        """One page of a session's traces, by trace id."""
        page, has_next, total = await face_service.trace_page(
            info.context.state, session_id, first=first, after=after
        )
        edges = [FaceTraceEdge(node=FaceTrace.from_domain(t), cursor=c) for t, c in page]
        return cls(edges=edges, page_info=PageInfo.of(edges, has_next), total_count=total)


@strawberry.type
class Stranger:
    session_id: strawberry.ID
    stranger_id: int
    face_count: int
    _domain: strawberry.Private[StrangerDomain]

    @classmethod
    def from_domain(cls, stranger: StrangerDomain) -> Stranger:
        return cls(
            session_id=strawberry.ID(stranger.session_id), stranger_id=stranger.stranger_id,
            face_count=stranger.face_count, _domain=stranger,
        )  # fmt: skip

    @strawberry.field
    async def traces(self, info: strawberry.Info) -> list[FaceTrace]:
        keys = [trace_key(self._domain.session_id, t) for t in self._domain.trace_ids]
        found = await info.context.traces_by_key.load_many(keys)
        return [FaceTrace.from_domain(t) for t in found if t is not None]

    @strawberry.field
    async def representative_face(self, info: strawberry.Info) -> RepresentativeFace | None:
        rep = self._domain.representative
        if rep is None:
            return None
        url = face_service.thumbnail_url(self._domain.session_id, stranger_id=self.stranger_id)
        fps = await session_fps(info, self._domain.session_id)
        return RepresentativeFace.from_domain(rep, fps, url)


@strawberry.type
class IdentityCoOccurrence:
    identity: Identity
    sessions: int
    total_frames: int
    mutual_gaze: bool


@strawberry.type
class Identity(Node):
    id: strawberry.ID = strawberry.field(description="identity_uuid")
    name: str
    source: str
    external_id: str | None
    profile_image_url: str | None
    created_at: float

    @classmethod
    def from_domain(cls, identity: IdentityDomain) -> Identity:
        return cls(
            id=strawberry.ID(identity.id), name=identity.name, source=identity.source,
            external_id=identity.external_id, profile_image_url=identity.profile_image_url,
            created_at=identity.created_at,
        )  # fmt: skip

    async def _traces(self, info: strawberry.Info) -> list[FaceTraceDomain]:
        return list(await info.context.traces_by_identity.load(str(self.id)))

    @strawberry.field(description="Face detections over all sessions.")
    async def face_count(self, info: strawberry.Info) -> int:
        return sum(t.face_count for t in await self._traces(info))

    @strawberry.field(description="Sessions this identity appears in.")
    async def sessions(
        self, info: strawberry.Info
    ) -> list[Annotated[Session, strawberry.lazy(_SESSIONS)]]:
        from api.graphql.sessions.types import Session

        ids = sorted({t.session_id for t in await self._traces(info)})
        found = await info.context.sessions_by_id.load_many(ids)
        return [Session.from_domain(s) for s in found if s is not None]

    @strawberry.field
    async def traces(
        self, info: strawberry.Info, session_id: strawberry.ID | None = None
    ) -> list[FaceTrace]:
        traces = await self._traces(info)
        return [
            FaceTrace.from_domain(t)
            for t in traces
            if session_id is None or t.session_id == str(session_id)
        ]

    @strawberry.field(description="Identities sharing the screen with this one, in any session.")
    async def co_occurs_with(
        self, info: strawberry.Info, min_frames: int | None = 1
    ) -> list[IdentityCoOccurrence]:
        me = str(self.id)
        pairs = await info.context.pairs_by_identity.load(me)
        pairs = [p for p in pairs if p.total_frames >= (min_frames or 1)]
        others = await info.context.identities_by_id.load_many(
            [p.b if p.a == me else p.a for p in pairs]
        )
        result = [
            IdentityCoOccurrence(
                identity=Identity.from_domain(other),
                sessions=len(pair.sessions),
                total_frames=pair.total_frames,
                mutual_gaze=pair.mutual_gaze,
            )
            for pair, other in zip(pairs, others, strict=True)
            if other is not None
        ]
        result.sort(key=lambda r: (-r.total_frames, r.identity.name))
        return result


@strawberry.type
class SessionIdentity:
    identity: Identity
    face_count: int
    traces: list[FaceTrace]

    @classmethod
    async def of_session(cls, info: strawberry.Info, session_id: str) -> list[SessionIdentity]:
        """The identities seen in a session with their traces there, most faces first."""
        rows = await info.context.state.identities.session_traces(session_id)
        grouped: dict[str, list[FaceTraceDomain]] = defaultdict(list)
        identities = {}
        for identity, trace in rows:
            identities[identity.id] = identity
            grouped[identity.id].append(trace)
        result = [
            cls(
                identity=Identity.from_domain(identities[i]),
                face_count=sum(t.face_count for t in traces),
                traces=[FaceTrace.from_domain(t) for t in traces],
            )
            for i, traces in grouped.items()
        ]
        result.sort(key=lambda r: (-r.face_count, r.identity.name))
        return result


@strawberry.input
class IdentityInput:
    name: str
    source: str | None = "manual"
    external_id: str | None = None
    profile_image_url: str | None = None

    def fields(self) -> dict[str, str | None]:
        return {
            "name": self.name, "source": self.source, "external_id": self.external_id,
            "profile_image_url": self.profile_image_url,
        }  # fmt: skip
