"""GraphQL types of faces, identities and co-occurrence (built from graph domain objects)."""

from __future__ import annotations

import strawberry

from api.graphql.types import Node, PageInfo, Session
from api.services import faces as face_service
from api.services.frames import frame_seconds
from graph.face_detections import FaceDetection as FaceDetectionDomain
from graph.face_detections import RepresentativeFace as RepresentativeDomain
from graph.faces import CoOccurs as CoOccursDomain
from graph.faces import FaceTrace as FaceTraceDomain
from graph.faces import Stranger as StrangerDomain
from graph.faces import trace_key
from graph.identities import Identity as IdentityDomain


@strawberry.type
class BBox:
    x: int
    y: int
    width: int
    height: int

    @classmethod
    def of(cls, x: float, y: float, w: float, h: float) -> BBox:
        return cls(x=round(x), y=round(y), width=round(w), height=round(h))


@strawberry.type
class FaceDetection:
    frame_number: int
    timestamp_secs: float
    bbox: BBox
    confidence: float
    quality_score: float = strawberry.field(description="area x confidence")
    yaw: float | None
    pitch: float | None
    roll: float | None
    blur_score: float | None = strawberry.field(description="Lower = sharper.")
    interpolated: bool = strawberry.field(
        description="Between two detections of the trace (box and pose interpolated)."
    )

    @classmethod
    def from_domain(cls, d: FaceDetectionDomain, fps: float | None) -> FaceDetection:
        return cls(
            frame_number=d.frame, timestamp_secs=frame_seconds(d.frame, fps),
            bbox=BBox.of(d.x, d.y, d.w, d.h), confidence=round(d.confidence, 4),
            quality_score=round(d.quality, 2), yaw=round(d.yaw, 1), pitch=round(d.pitch, 1),
            roll=round(d.roll, 1), blur_score=None if d.blur is None else round(d.blur, 2),
            interpolated=d.interpolated,
        )  # fmt: skip


@strawberry.type
class RepresentativeFace:
    frame_number: int
    timestamp_secs: float
    bbox: BBox
    confidence: float
    quality_score: float
    blur_score: float | None
    thumbnail_url: str

    @classmethod
    def from_domain(
        cls, rep: RepresentativeDomain, fps: float | None, thumbnail_url: str
    ) -> RepresentativeFace:
        return cls(
            frame_number=rep.frame, timestamp_secs=frame_seconds(rep.frame, fps),
            bbox=BBox.of(rep.x, rep.y, rep.w, rep.h), confidence=round(rep.confidence, 4),
            quality_score=round(rep.quality, 2),
            blur_score=None if rep.blur is None else round(rep.blur, 2),
            thumbnail_url=thumbnail_url,
        )  # fmt: skip


def trace_representative(trace: FaceTraceDomain, fps: float | None) -> RepresentativeFace | None:
    """A trace's representative face with its thumbnail URL (None before it has one)."""
    if trace.representative is None:
        return None
    url = face_service.thumbnail_url(trace.session_id, trace_id=trace.trace_id)
    return RepresentativeFace.from_domain(trace.representative, fps, url)


async def _fps(info: strawberry.Info, session_id: str) -> float | None:
    session = await info.context.sessions_by_id.load(session_id)
    return session.fps if session else None


@strawberry.type
class FaceDetectionEdge:
    node: FaceDetection
    cursor: str


@strawberry.type
class FaceDetectionConnection:
    edges: list[FaceDetectionEdge]
    page_info: PageInfo
    total_count: int


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
        return trace_representative(self._domain, await _fps(info, self._domain.session_id))

    @strawberry.field
    async def detections(
        self, info: strawberry.Info, first: int | None = 100, after: str | None = None
    ) -> FaceDetectionConnection:
        page, has_next, total = await face_service.detection_page(
            info.context.state, self._domain.session_id, self.trace_id,
            first=100 if first is None else first, after=after,
        )  # fmt: skip
        fps = await _fps(info, self._domain.session_id)
        edges = [
            FaceDetectionEdge(node=FaceDetection.from_domain(d, fps), cursor=c) for d, c in page
        ]
        return FaceDetectionConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=total,
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
        return RepresentativeFace.from_domain(rep, await _fps(info, self._domain.session_id), url)


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
    async def sessions(self, info: strawberry.Info) -> list[Session]:
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
        ctx = info.context
        pairs = await ctx.state.identities.pairs(ctx.require_principal().org_id, ids=[str(self.id)])
        result = []
        for pair in pairs:
            if pair.total_frames < (min_frames or 1):
                continue
            other = await ctx.identities_by_id.load(pair.b if pair.a == str(self.id) else pair.a)
            if other is not None:
                result.append(
                    IdentityCoOccurrence(
                        identity=Identity.from_domain(other),
                        sessions=len(pair.sessions),
                        total_frames=pair.total_frames,
                        mutual_gaze=pair.mutual_gaze,
                    )
                )
        result.sort(key=lambda r: (-r.total_frames, r.identity.name))
        return result


@strawberry.type
class SessionIdentity:
    identity: Identity
    face_count: int
    traces: list[FaceTrace]


@strawberry.type
class CoOccurrence:
    identity_a: Identity
    identity_b: Identity
    first_frame: int
    timestamp_secs: float
    total_cooccurrence_frames: int
    representative_face_a: RepresentativeFace
    representative_face_b: RepresentativeFace


@strawberry.type
class IdentityGraphEdge:
    a: strawberry.ID
    b: strawberry.ID
    total_frames: int
    sessions: int
    mutual_gaze: bool


@strawberry.type
class IdentityGraph:
    nodes: list[Identity]
    edges: list[IdentityGraphEdge]


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
