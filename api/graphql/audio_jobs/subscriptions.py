"""``audioJobSteps``: each 64 ms step of a job as it is computed, until the job ends."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry

from api.graphql.audio_jobs.types import AudioJobStep
from api.services.audio_jobs import require_job
from graph.audio_job_events import listen_job
from graph.audio_jobs import AudioJobState


@strawberry.type
class AudioJobSubscription:
    @strawberry.subscription(
        description="Each step of every channel, raw values included, as it is computed; ends "
        "when the job does (at once for a finished job)."
    )
    async def audio_job_steps(
        self, info: strawberry.Info, job_id: strawberry.ID
    ) -> AsyncGenerator[AudioJobStep, None]:
        state = info.context.state
        principal = info.context.require_principal()
        await require_job(state, principal, str(job_id))
        async with aclosing(listen_job(state.redis, str(job_id))) as events:
            async for event in events:
                kind = event.get("type")
                if kind == "subscribed":
                    job = await require_job(state, principal, str(job_id))
                    if job.state in (AudioJobState.DONE, AudioJobState.ERROR):
                        return
                elif kind == "finished":
                    return
                elif kind == "steps":
                    for step in event.get("steps", []):
                        yield AudioJobStep(
                            job_id=job_id,
                            channel=str(event["channel"]),
                            timestamp=float(step["timestamp"]),
                            results=step["results"],
                            raw=step.get("raw"),
                        )
