"""GraphQL object types for sessions, labels and analyses, each built by ``from_domain``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from api.services.timeseries import time_series_info
from graph.analyses import Analysis as AnalysisDomain
from graph.analyses import AnalysisState
from graph.chunks import Chunk as ChunkDomain
from graph.labels import Label as LabelDomain
from graph.sessions import Session as SessionDomain
from graph.sessions import SessionStatus

if TYPE_CHECKING:
    from api.graphql.face_types import FaceTraceConnection, SessionIdentity, Stranger

_FACES = "api.graphql.face_types"


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


# The domain enums are the GraphQL enums (strawberry registers the classes themselves).
strawberry.enum(SessionStatus)
strawberry.enum(AnalysisState)


@strawberry.type
class Label(Node):
    id: strawberry.ID
    label_group_id: strawberry.ID
    label_type: str
    session_id: strawberry.ID
    name: str | None
    category: str | None
    start_time: float = strawberry.field(description="Milliseconds from session start.")
    end_time: float = strawberry.field(description="Milliseconds from session start.")
    ts_start: float = strawberry.field(description="Epoch seconds: session tsStart + startTime.")
    ts_end: float
    data: JSON | None
    video_box: list[list[int]] | None
    pinned: bool

    @classmethod
    def from_domain(cls, label: LabelDomain) -> Label:
        return cls(
            id=strawberry.ID(label.id),
            label_group_id=strawberry.ID(label.label_group_id),
            label_type=label.label_type,
            session_id=strawberry.ID(label.session_id),
            name=label.name,
            category=label.category,
            start_time=label.start_ms,
            end_time=label.end_ms,
            ts_start=label.ts_start,
            ts_end=label.ts_end,
            data=label.data,
            video_box=label.video_box,
            pinned=label.pinned,
        )


@strawberry.type
class LabelEdge:
    node: Label
    cursor: str


@strawberry.type
class LabelConnection:
    edges: list[LabelEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class LabelGroup(Node):
    id: strawberry.ID
    session_id: strawberry.ID
    labels: list[Label]


@strawberry.type
class Analysis:
    key: str
    state: AnalysisState
    message: str | None
    progress: float | None
    started_at: float | None
    finished_at: float | None

    @classmethod
    def from_domain(cls, analysis: AnalysisDomain) -> Analysis:
        return cls(
            key=analysis.key,
            state=analysis.state,
            message=analysis.message,
            progress=analysis.progress,
            started_at=analysis.started_at,
            finished_at=analysis.finished_at,
        )


@strawberry.type
class AnalysisStatus:
    status: str = strawberry.field(description='"done", "timeout" or "error", as in seed 000.')
    message: str
    session_id: strawberry.ID


@strawberry.type
class AnalysisEvent:
    session_id: strawberry.ID
    key: str
    state: AnalysisState
    progress: float | None
    message: str | None


@strawberry.type(description="A time series of a session: its key, name, category and units.")
class TimeSeriesInfo:
    key: str
    name: str
    category: str
    units: str | None


@strawberry.type
class TimeSeriesPoint:
    t: float = strawberry.field(description="ms from the session start")
    value: float


@strawberry.type
class TimeSeries:
    key: str
    points: list[TimeSeriesPoint]


@strawberry.type(description="A shot of a session's video: frames startFrame to endFrame.")
class Chunk:
    id: strawberry.ID = strawberry.field(description="chunk_1, chunk_2, ... in time order.")
    start_frame: int
    end_frame: int = strawberry.field(description="Inclusive.")

    @classmethod
    def from_domain(cls, chunk: ChunkDomain) -> Chunk:
        return cls(
            id=strawberry.ID(chunk.id), start_frame=chunk.start_frame, end_frame=chunk.end_frame
        )


@strawberry.type
class Session(Node):
    id: strawberry.ID = strawberry.field(description="Also the REST file_uuid.")
    name: str | None
    status: SessionStatus
    error: str | None
    kind: str | None
    duration_ms: float | None
    fps: float | None
    frame_count: int | None
    width: int | None
    height: int | None
    has_audio: bool
    audio_channels: int | None
    sample_rate: int | None
    ts_start: float
    created_at: float
    tags: JSON

    @strawberry.field
    async def labels(
        self,
        info: strawberry.Info,
        label_type: str | None = None,
        first: int | None = 100,
        after: str | None = None,
    ) -> LabelConnection:
        from api.graphql.labels import resolve_session_labels

        limit = 100 if first is None else first
        return await resolve_session_labels(info, str(self.id), label_type, limit, after)

    @strawberry.field
    async def analyses(self, info: strawberry.Info) -> list[Analysis]:
        found = await info.context.analyses_by_session.load(str(self.id))
        return [Analysis.from_domain(a) for a in found]

    @strawberry.field(description="Every time series of the session (timeSeries reads one).")
    async def time_series_info(self, info: strawberry.Info) -> list[TimeSeriesInfo]:
        found = await time_series_info(info.context.state, str(self.id))
        return [TimeSeriesInfo(key=i.key, name=i.name, category=i.category, units=i.units)
                for i in found]  # fmt: skip

    @strawberry.field(description="Face traces, by trace id.")
    async def face_traces(
        self, info: strawberry.Info, first: int | None = 100, after: str | None = None
    ) -> Annotated[FaceTraceConnection, strawberry.lazy(_FACES)]:
        from api.graphql.faces import resolve_face_traces

        return await resolve_face_traces(info, str(self.id), 100 if first is None else first, after)

    @strawberry.field(description="Identities seen in this session, most faces first.")
    async def identities(
        self, info: strawberry.Info
    ) -> list[Annotated[SessionIdentity, strawberry.lazy(_FACES)]]:
        from api.graphql.faces import resolve_session_identities

        return await resolve_session_identities(info, str(self.id))

    @strawberry.field(description="Unidentified people, clustered per session.")
    async def strangers(
        self, info: strawberry.Info
    ) -> list[Annotated[Stranger, strawberry.lazy(_FACES)]]:
        from api.graphql.face_types import Stranger

        found = await info.context.strangers_by_session.load(str(self.id))
        return [Stranger.from_domain(s) for s in found]

    @strawberry.field(description="Shots of the video, by start frame (empty until detected).")
    async def chunks(self, info: strawberry.Info) -> list[Chunk]:
        found = await info.context.chunks_by_session.load(str(self.id))
        return [Chunk.from_domain(c) for c in found]

    @classmethod
    def from_domain(cls, session: SessionDomain) -> Session:
        return cls(
            id=strawberry.ID(session.id),
            name=session.name,
            status=session.status,
            error=session.error,
            kind=session.kind,
            duration_ms=session.duration_ms,
            fps=session.fps,
            frame_count=session.frame_count,
            width=session.width,
            height=session.height,
            has_audio=session.has_audio,
            audio_channels=session.channels,
            sample_rate=session.sample_rate,
            ts_start=session.ts_start,
            created_at=session.created_at,
            tags=session.tags if session.tags is not None else {},
        )


@strawberry.type
class SessionEdge:
    node: Session
    cursor: str


@strawberry.type
class SessionConnection:
    edges: list[SessionEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class LabelInput:
    label_type: str
    start_time: JSON = strawberry.field(
        description='Milliseconds, or a string of seconds ("10.5").'
    )
    end_time: JSON
    name: str | None = None
    video_box: list[list[int]] | None = None
    data: JSON | None = None
    label_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Join an existing group; a new group otherwise."
    )
    pinned: bool | None = False


@strawberry.input
class CreateSessionInput:
    upload_id: strawberry.ID | None = None
    url: str | None = None
    name: str | None = None
    tags: JSON | None = None


@strawberry.type
class LoginResult:
    token: str
    expires_in: int = strawberry.field(description="Seconds until the token expires.")
