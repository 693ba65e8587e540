"""What a request or job needs: the open stores, queue and settings of this process."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
from arq.connections import ArqRedis

from graph.analyses import AnalysisStore
from graph.analysis_runs import AnalysisRunStore
from graph.audio_jobs import AudioJobStore
from graph.backend import GraphBackend
from graph.chunks import ChunkStore
from graph.face_detections import FaceDetectionStore
from graph.faces import FaceGraphStore
from graph.identities import IdentityStore
from graph.identity_gallery import IdentityGalleryStore
from graph.keyframes import KeyframeStore
from graph.labels import LabelStore
from graph.orgs import OrgStore
from graph.sessions import SessionStore
from graph.settings import Settings
from graph.timeseries import TimeSeriesStore
from graph.uploads import UploadStore


@dataclass
class AppState:
    """One per process, built at start-up (API lifespan) and closed at shutdown."""

    settings: Settings
    graph: GraphBackend
    pool: asyncpg.Pool
    redis: ArqRedis
    jwt_secret: str
    sessions: SessionStore = field(init=False)
    labels: LabelStore = field(init=False)
    analyses: AnalysisStore = field(init=False)
    analysis_runs: AnalysisRunStore = field(init=False)
    orgs: OrgStore = field(init=False)
    uploads: UploadStore = field(init=False)
    keyframes: KeyframeStore = field(init=False)
    timeseries: TimeSeriesStore = field(init=False)
    face_detections: FaceDetectionStore = field(init=False)
    faces: FaceGraphStore = field(init=False)
    identities: IdentityStore = field(init=False)
    gallery: IdentityGalleryStore = field(init=False)
    chunks: ChunkStore = field(init=False)
    audio_jobs: AudioJobStore = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = SessionStore(self.graph)
        self.labels = LabelStore(self.graph)
        self.analyses = AnalysisStore(self.graph)
        self.analysis_runs = AnalysisRunStore(self.pool)
        self.orgs = OrgStore(self.graph)
        self.uploads = UploadStore(self.pool)
        self.keyframes = KeyframeStore(self.pool)
        self.timeseries = TimeSeriesStore(self.pool)
        self.face_detections = FaceDetectionStore(self.pool)
        self.faces = FaceGraphStore(self.graph)
        self.identities = IdentityStore(self.graph)
        self.gallery = IdentityGalleryStore(self.pool)
        self.chunks = ChunkStore(self.graph)
        self.audio_jobs = AudioJobStore(self.pool)
