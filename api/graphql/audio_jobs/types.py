"""GraphQL types of audio jobs: the job, its callback attempts, a page of jobs, one step."""

from __future__ import annotations

import json
from typing import cast

import strawberry
from strawberry.scalars import JSON

from analysis.audio_jobs import DEFAULT_OUTPUT_PERIOD_MS
from api.graphql.common.node import Node
from api.graphql.common.pagination import PageInfo
from graph.audio_jobs import AudioJob as AudioJobDomain
from graph.audio_jobs import AudioJobState

# The domain enum is the GraphQL enum (strawberry registers the class itself).
strawberry.enum(AudioJobState)


@strawberry.type(description="One delivery attempt of a job's completion callback.")
class CallbackAttempt:
    at: float = strawberry.field(description="Epoch seconds.")
    status: int | None = strawberry.field(description="The HTTP status; null without an answer.")
    error: str | None


@strawberry.type(description="An audio file analysed on the 64 ms grid by the asked-for models.")
class AudioJob(Node):
    id: strawberry.ID
    state: AudioJobState
    config: JSON = strawberry.field(description="The job's parameters, as the REST API shows.")
    error_description: str | None
    created_at: float
    finished_at: float | None
    progress: float | None = strawberry.field(description="Share done, 0 to 1.")
    callback_attempts: list[CallbackAttempt]

    @strawberry.field(description="The result document ({channels: ...}) once DONE.")
    async def result(self, info: strawberry.Info) -> JSON | None:
        ctx = info.context
        stored = await ctx.state.audio_jobs.result_json(
            str(self.id), ctx.require_principal().org_id
        )
        return json.loads(stored) if stored is not None else None

    @classmethod
    def from_domain(cls, job: AudioJobDomain) -> AudioJob:
        return cls(
            id=strawberry.ID(job.id),
            state=job.state,
            config=cast(JSON, job.config),
            error_description=job.error_description,
            created_at=job.created_at,
            finished_at=job.finished_at,
            progress=job.progress,
            callback_attempts=[
                CallbackAttempt(at=a.at, status=a.status, error=a.error)
                for a in job.callback_attempts
            ],
        )


@strawberry.type
class AudioJobEdge:
    node: AudioJob
    cursor: str


@strawberry.type
class AudioJobConnection:
    edges: list[AudioJobEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="One 64 ms step of a channel, as soon as it is computed.")
class AudioJobStep:
    job_id: strawberry.ID
    channel: str
    timestamp: float = strawberry.field(description="The step's start, ms.")
    results: JSON = strawberry.field(description="{model: {result, confidence}}.")
    raw: JSON | None = strawberry.field(description="{model: {class: probability}}.")


@strawberry.input(description="A job of a URL, an upload or a session's audio (exactly one).")
class AudioJobInput:
    url: str | None = None
    upload_id: strawberry.ID | None = None
    session_id: strawberry.ID | None = strawberry.field(
        default=None, description="Also writes the transitions as labels on the session."
    )
    models: list[str] = strawberry.field(
        description="speech, gender, arousal (a prosodic heuristic, not a trained model), "
        "emotions (needs REELGRAPH_EMOTIONS_MODEL)."
    )
    output_period: int = strawberry.field(
        default=DEFAULT_OUTPUT_PERIOD_MS, description="ms, a multiple of 64."
    )
    channel: int | None = strawberry.field(default=None, description="Only this channel.")
    include_summary: bool = False
    include_transitions: bool = False
    include_raw_values: bool = False
    volume_threshold: float | None = strawberry.field(
        default=None, description="RMS level (full scale 1) under which a step is silence."
    )
    callback: str | None = strawberry.field(
        default=None, description="A URL that gets the job's status POSTed when it finishes."
    )
