"""The ``audio_job`` job: fetch, decode and analyse each channel, store the result, call back.

Idempotent: a finished (or cancelled) job is left alone; a run that dies midway runs again
from the start (a URL's file, once downloaded whole, is reused) and only the run that finishes
the job stores its result and sends its callback, so a completion is delivered once (the
callback's own claim in Redis guards it as well).

Each channel is decoded and analysed in the process pool, one channel per call; its steps come
out of the pool in batches as the analysis finishes them (block by block, after its first pass)
and are published (``audioJobSteps``) as they arrive. A job on a session also writes
its transitions as labels on the session (:mod:`workers.audio_job_output`).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from analysis.audio_jobs import (
    ChannelAnalysis,
    StepResult,
    analyse_channel,
    audio_info,
    decode_audio,
    file_result,
    step_message,
)
from analysis.audio_jobs.decode import AudioInfo
from analysis.audio_jobs.signal import BLOCK_STEPS
from analysis.errors import MediaError, ModelError
from graph.audio_job_events import STEPS_PER_EVENT, publish_job_event
from graph.audio_jobs import AudioJob, AudioJobState, CallbackAttempt, job_view
from graph.ids import now_s
from graph.request_signing import download_request_headers
from graph.state import AppState
from workers.audio_callbacks import CallbackAttempt as DeliveryAttempt
from workers.audio_callbacks import deliver_callback, redis_claim
from workers.audio_job_output import step_publisher, write_session_labels
from workers.fetch import download
from workers.runner import Failed, guarded, in_pool, in_pool_emitting

log = logging.getLogger(__name__)
JOB_NAME = "audio_job"
RESULT_REMEDIES = (
    "to reduce the result size, increase the output_period query parameter or create "
    "separate processing jobs for each model"
)


class AudioJobFailed(MediaError):
    """An expected end of the job: media over a limit, a result too large."""


def job_dir(state: AppState, job_id: str) -> Path:
    """Where a job's fetched or uploaded media lives."""
    return state.settings.media_dir / "audio-jobs" / job_id


def download_headers(state: AppState, job: AudioJob) -> dict[str, str]:
    """The download's ``X-Reelgraph-Request-Verification`` header: an ES512 JWT (``kid``;
    organization_id, project_id, job_id, url, iat, jti, exp) the server can check against
    ``GET /.well-known/jwks.json``."""
    return download_request_headers(
        state.settings,
        organization_id=job.org_id,
        project_id=job.project_id,
        job_id=job.id,
        url=job.source,
    )


async def send_completion_callback(state: AppState, job: AudioJob) -> None:
    """POST the job's ``GET /file-processing/jobs/{id}`` body to its callback URL (retries
    and SSRF rules in :mod:`workers.audio_callbacks`), recording every attempt on the job."""
    if job.callback_url is None:
        return

    async def record(attempt: DeliveryAttempt) -> None:
        await state.audio_jobs.add_callback_attempt(
            job.id, CallbackAttempt(attempt.at, attempt.status, attempt.error)
        )

    await deliver_callback(
        job.callback_url,
        job_view(job),
        record_attempt=record,
        settings=state.settings,
        claim=redis_claim(state.redis, job.id, job.state.value),
        idempotency_key=f"{job.id}:{job.state.value}",
    )


async def audio_job(ctx: dict[str, Any], *, job_id: str) -> str:
    """Run the job ``job_id``; its failures are recorded on it (``error_description``)."""
    state: AppState = ctx["state"]
    job = await state.audio_jobs.get_any(job_id)
    if job is None:
        return "job deleted"
    if not await state.audio_jobs.start(job_id):
        return f"already {job.state.value}"

    async def fail(message: str) -> None:
        await finish(state, job_id, error=message)

    outcome = await guarded(
        _process(ctx, state, job),
        fail=fail,
        internal="internal error while processing the audio; see the worker log",
        context=f"audio job {job_id}",
        expected=(MediaError, ModelError),
    )
    if isinstance(outcome, Failed):
        return str(outcome)
    return outcome


async def finish(
    state: AppState,
    job_id: str,
    *,
    result_json: str | None = None,
    error: str | None = None,
    callback: bool = True,
) -> bool:
    """Store the result (or the error); the run that finishes the job publishes its end and
    sends the callback (unless ``callback`` is False: a cancellation). False when the job had
    finished already (cancelled, or another run)."""
    if result_json is not None:
        finished = await state.audio_jobs.finish(job_id, result_json, now_s())
    else:
        finished = await state.audio_jobs.fail(job_id, error or "failed", now_s())
    if not finished:
        return False
    job = await state.audio_jobs.get_any(job_id)
    if job is None:
        return False
    await publish_job_event(state.redis, job_id, {"type": "finished", "state": job.state.value})
    if job.source_kind != "session":
        shutil.rmtree(job_dir(state, job_id), ignore_errors=True)
    if callback:
        await send_completion_callback(state, job)
    return True


async def _process(ctx: dict[str, Any], state: AppState, job: AudioJob) -> str:
    path = await _media(state, job)
    info: AudioInfo = await in_pool(ctx, partial(audio_info, path))
    if job.source_kind == "url":
        _check_url_length(state, info)
    config = job.config
    wanted = [config["channel"]] if config.get("channel") is not None else range(info.channels)
    emotions = state.settings.emotions_model if "emotions" in config["models"] else None
    channels: dict[int, ChannelAnalysis] = {}
    for done, channel in enumerate(wanted):
        current = await state.audio_jobs.get_any(job.id)
        if current is None or current.state is not AudioJobState.PROCESSING:
            return "cancelled"
        work = partial(
            analyse_file_channel,
            path,
            channel,
            tuple(config["models"]),
            float(config["volume_threshold"]),
            emotions,
        )
        channels[channel] = await in_pool_emitting(
            ctx, work, step_publisher(state, job.id, channel)
        )
        await state.audio_jobs.set_progress(job.id, (done + 1) / len(wanted) * 0.95)
    result = file_result(
        channels,
        int(config["output_period"]),
        include_summary=bool(config["include_summary"]),
        include_transitions=bool(config["include_transitions"]),
        include_raw_values=bool(config["include_raw_values"]),
    )
    result_json = json.dumps(result, separators=(",", ":"))
    limit = state.settings.audio_result_max_bytes
    if len(result_json.encode()) > limit:
        raise AudioJobFailed(
            f"the result is larger than the limit of {limit} bytes; {RESULT_REMEDIES}"
        )
    if job.source_kind == "session":
        await write_session_labels(state, job, channels)
    if not await finish(state, job.id, result_json=result_json):
        return "finished elsewhere"
    return f"done: {len(channels)} channel(s)"


def analyse_file_channel(
    path: Path,
    channel: int,
    models: tuple[str, ...],
    volume_threshold: float,
    emotions: Path | None,
    emit: Callable[[list[dict[str, Any]]], None] | None = None,
) -> ChannelAnalysis:
    """Decode one channel of the file and run the models on it (in a pool process); ``emit``
    gets the step messages (raw values included) in batches of at most ``STEPS_PER_EVENT`` as
    they are final, a block's last steps as soon as the block is done."""
    decoded = decode_audio(path, channel)
    batch: list[dict[str, Any]] = []

    def on_step(step: StepResult) -> None:
        batch.append(step_message(step, True))
        block_done = (step.index + 1) % BLOCK_STEPS == 0
        if emit is not None and (len(batch) >= STEPS_PER_EVENT or block_done):
            emit(batch.copy())
            batch.clear()

    analysis = analyse_channel(
        decoded.channels[0],
        models,
        volume_threshold,
        emotions_model=emotions,
        on_step=on_step if emit is not None else None,
    )
    if emit is not None and batch:
        emit(batch)
    return analysis


async def _media(state: AppState, job: AudioJob) -> Path:
    """The job's media on disk: the upload, the session's file, or the URL downloaded once."""
    if job.source_kind == "session":
        session = await state.sessions.get(job.source, job.org_id)
        if session is None or not session.media_path:
            raise AudioJobFailed(f"session {job.source} and its media no longer exist")
        return Path(session.media_path)
    if job.source_kind != "url":
        return Path(job.source)
    target = job_dir(state, job.id) / "source"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        await download(
            job.source,
            target,
            max_bytes=state.settings.url_fetch_max_bytes,
            timeout_s=state.settings.url_fetch_timeout_s,
            allow_private=state.settings.url_allow_private,
            headers=download_headers(state, job),
        )
    return target


def _check_url_length(state: AppState, info: AudioInfo) -> None:
    """URL media are limited in length, combined over their channels."""
    limit_s = state.settings.audio_url_max_s
    combined_s = info.channels * info.duration_ms / 1000.0
    if combined_s > limit_s:
        raise AudioJobFailed(
            f"the audio is {combined_s:.0f} s long combined over its {info.channels} "
            f"channel(s); URL jobs are limited to {limit_s:.0f} s combined (mono {limit_s:.0f} "
            f"s, stereo {limit_s / 2:.0f} s)"
        )
