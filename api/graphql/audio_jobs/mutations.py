"""Audio jobs: create (from a URL, an upload or a session) and cancel."""

from __future__ import annotations

import strawberry

from analysis.audio_jobs import DEFAULT_VOLUME_THRESHOLD
from api.graphql.audio_jobs.types import AudioJob, AudioJobInput
from api.services import audio_jobs as audio_job_service
from api.services.audio_jobs import JobParameters
from graph.errors import ErrorCode, InvalidInput


@strawberry.type
class AudioJobMutation:
    @strawberry.mutation(description="Queue an audio job; exactly one of url, uploadId, sessionId.")
    async def create_audio_job(self, info: strawberry.Info, input: AudioJobInput) -> AudioJob:
        ctx = info.context
        state, principal = ctx.state, ctx.require_principal()
        params = JobParameters(
            models=list(input.models),
            output_period=input.output_period,
            channel=input.channel,
            include_summary=input.include_summary,
            include_transitions=input.include_transitions,
            include_raw_values=input.include_raw_values,
            volume_threshold=(
                DEFAULT_VOLUME_THRESHOLD
                if input.volume_threshold is None
                else input.volume_threshold
            ),
            callback=input.callback,
        )
        sources = [s for s in (input.url, input.upload_id, input.session_id) if s is not None]
        if len(sources) != 1:
            raise InvalidInput(
                "give exactly one of url, uploadId or sessionId", code=ErrorCode.INVALID_SOURCE
            )
        if input.url is not None:
            job = await audio_job_service.create_from_url(state, principal, input.url, params)
        elif input.upload_id is not None:
            job = await audio_job_service.create_from_upload(
                state, principal, str(input.upload_id), params
            )
        else:
            job = await audio_job_service.create_from_session(
                state, principal, str(input.session_id), params
            )
        return AudioJob.from_domain(job)

    @strawberry.mutation(description="End an unfinished job as ERROR; a finished one is unchanged.")
    async def cancel_audio_job(self, info: strawberry.Info, id: strawberry.ID) -> AudioJob:
        ctx = info.context
        job = await audio_job_service.cancel_job(ctx.state, ctx.require_principal(), str(id))
        return AudioJob.from_domain(job)
