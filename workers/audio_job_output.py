"""Where an audio job's analysis goes besides its result: step events and session labels.

- each channel's steps are published as they come out of the pool (``audioJobSteps``);
- a job on a session writes each model's transitions as labels on the session's timeline, one
  label group per job and label types ``speech-class``, ``gender-class``, ``arousal-class`` and
  ``emotions-class``; a rerun of the job replaces its labels.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from analysis.audio_jobs import ChannelAnalysis
from analysis.audio_jobs.output import transitions
from graph.audio_job_events import publish_job_event
from graph.audio_jobs import AudioJob
from graph.events import publish
from graph.ids import new_id, now_s
from graph.labels import Label, label_row
from graph.state import AppState

LABEL_TYPE_SUFFIX = "-class"


def label_group_id(job_id: str) -> str:
    """The job's one label group on its session: the job id in the dashed form of label ids."""
    return str(uuid.UUID(hex=job_id))


def source_of(job_id: str) -> str:
    """What the job's labels record as their source, so a rerun replaces them."""
    return f"audio-job:{job_id}"


def step_publisher(
    state: AppState, job_id: str, channel: int
) -> Callable[[list[dict[str, Any]]], Awaitable[None]]:
    """Publishes a batch of the channel's step messages (raw values included), as the pool
    sends them, as one ``steps`` event."""

    async def publish_steps(steps: list[dict[str, Any]]) -> None:
        event = {"type": "steps", "channel": str(channel), "steps": steps}
        await publish_job_event(state.redis, job_id, event)

    return publish_steps


async def write_session_labels(
    state: AppState, job: AudioJob, channels: dict[int, ChannelAnalysis]
) -> int:
    """The transitions of every model and channel as labels on the job's session."""
    session = await state.sessions.get(job.source, job.org_id)
    if session is None:
        return 0
    group_id = label_group_id(job.id)
    created = now_s()
    labels: list[Label] = []
    for channel, analysis in channels.items():
        for model, runs in transitions(analysis).items():
            for run in runs:
                start_ms, end_ms = float(run["timestamp_start"]), float(run["timestamp_end"])
                data: dict[str, Any] = {
                    "confidence": run["confidence"],
                    "channel": str(channel),
                    "audio_job_id": job.id,
                }
                labels.append(
                    Label(
                        id=new_id(),
                        session_id=session.id,
                        org_id=job.org_id,
                        label_group_id=group_id,
                        label_type=f"{model}{LABEL_TYPE_SUFFIX}",
                        start_ms=start_ms,
                        end_ms=end_ms,
                        ts_start=session.ts_start + start_ms / 1000.0,
                        ts_end=session.ts_start + end_ms / 1000.0,
                        created_at=created,
                        name=str(run["result"]),
                        category=f"{model} class",
                        data=data,
                        source_label_id=source_of(job.id),
                    )
                )
    await state.labels.replace_results(session.id, source_of(job.id), labels)
    await publish(
        state.redis, session.id, {"type": "labels", "labels": [label_row(x) for x in labels]}
    )
    return len(labels)
