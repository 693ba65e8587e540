"""GraphQL types of single faces: a detection on a frame, and a trace's representative face."""

from __future__ import annotations

import strawberry

from api.graphql.common.pagination import PageInfo
from api.services import faces as face_service
from api.services.frames import frame_seconds
from graph.face_detections import FaceDetection as FaceDetectionDomain
from graph.face_detections import RepresentativeFace as RepresentativeDomain
from graph.faces import FaceTrace as FaceTraceDomain


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


async def session_fps(info: strawberry.Info, session_id: str) -> float | None:
    """The frame rate of a session (batched per request), to turn frames into seconds."""
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

    @classmethod
    async def of_trace(
        cls, info: strawberry.Info, session_id: str, trace_id: int, first: int, after: str | None
    ) -> FaceDetectionConnection:
        """One page of a trace's detections, by frame."""
        page, has_next, total = await face_service.detection_page(
            info.context.state, session_id, trace_id, first=first, after=after
        )
        fps = await session_fps(info, session_id)
        edges = [
            FaceDetectionEdge(node=FaceDetection.from_domain(d, fps), cursor=c) for d, c in page
        ]
        return cls(edges=edges, page_info=PageInfo.of(edges, has_next), total_count=total)
