"""GraphQL types of sessions and their shots; a session's fields reach into the lower areas.

Sessions sit on top of the areas they show (labels, analyses, time series, faces): this module
imports their types, and none of them imports it at import time.
"""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.graphql.analyses.types import Analysis
from api.graphql.common.node import Node
from api.graphql.common.pagination import PageInfo
from api.graphql.faces.types import FaceTraceConnection, SessionIdentity, Stranger
from api.graphql.labels.types import LabelConnection
from api.graphql.timeseries.types import TimeSeriesInfo
from api.services.timeseries import time_series_info
from graph.chunks import Chunk as ChunkDomain
from graph.sessions import Session as SessionDomain
from graph.sessions import SessionStatus

# The domain enum is the GraphQL enum (strawberry registers the class itself).
strawberry.enum(SessionStatus)


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
        limit = 100 if first is None else first
        return await LabelConnection.of_session(info, str(self.id), label_type, limit, after)

    @strawberry.field
    async def analyses(self, info: strawberry.Info) -> list[Analysis]:
        found = await info.context.analyses_by_session.load(str(self.id))
        return [Analysis.from_domain(a) for a in found]

    @strawberry.field(description="Every time series of the session (timeSeries reads one).")
    async def time_series_info(self, info: strawberry.Info) -> list[TimeSeriesInfo]:
        found = await time_series_info(info.context.state, str(self.id))
        return [TimeSeriesInfo.from_domain(i) for i in found]

    @strawberry.field(description="Face traces, by trace id.")
    async def face_traces(
        self, info: strawberry.Info, first: int | None = 100, after: str | None = None
    ) -> FaceTraceConnection:
        limit = 100 if first is None else first
        return await FaceTraceConnection.of_session(info, str(self.id), limit, after)

    @strawberry.field(description="Identities seen in this session, most faces first.")
    async def identities(self, info: strawberry.Info) -> list[SessionIdentity]:
        return await SessionIdentity.of_session(info, str(self.id))

    @strawberry.field(description="Unidentified people, clustered per session.")
    async def strangers(self, info: strawberry.Info) -> list[Stranger]:
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
class CreateSessionInput:
    upload_id: strawberry.ID | None = None
    url: str | None = None
    name: str | None = None
    tags: JSON | None = None
