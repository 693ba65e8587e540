"""Audio job use cases: create (from a URL, an upload or a session), read, page, cancel.

The parameters are checked here, whichever transport brought them: an unknown model, a bad
``output_period`` or ``volume_threshold`` is ``INVALID_PARAMETER`` naming the parameter;
``emotions`` without an operator model is ``MODEL_UNAVAILABLE``. Media the API has at hand
(an upload, a session) are probed before the job is queued, so an unreadable file or a channel
the file lacks is refused at once; a URL's media are checked by the job.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.audio_jobs import (
    DEFAULT_OUTPUT_PERIOD_MS,
    DEFAULT_VOLUME_THRESHOLD,
    InvalidParameter,
    ModelUnavailable,
    audio_info,
    check_models,
    check_output_period,
    check_volume_threshold,
    emotions_model,
)
from analysis.audio_jobs.decode import AudioInfo
from analysis.errors import MediaError
from api.services.pagination import check_first, page_position
from api.services.sessions import check_source_url, require_session
from api.services.state import AppState, Principal
from graph.audio_jobs import AudioJob, AudioJobState
from graph.errors import ErrorCode, InvalidInput, NotFound, PayloadTooLarge, ReelgraphError
from graph.ids import encode_cursor, new_session_id, now_s
from graph.sessions import SessionStatus
from workers.audio_job import JOB_NAME, finish, job_dir

MAX_PAGE = 100
CANCELLED = "cancelled by the client"


@dataclass(frozen=True)
class JobParameters:
    """A job's parameters as clients give them (unchecked)."""

    models: str | list[str]
    output_period: int = DEFAULT_OUTPUT_PERIOD_MS
    channel: int | None = None
    include_summary: bool = False
    include_transitions: bool = False
    include_raw_values: bool = False
    volume_threshold: float = DEFAULT_VOLUME_THRESHOLD
    callback: str | None = None


def job_config(state: AppState, params: JobParameters) -> dict[str, Any]:
    """The checked configuration, as ``GET /file-processing/jobs/{id}`` shows it."""
    try:
        models = check_models(params.models)
        output_period = check_output_period(params.output_period)
        volume_threshold = check_volume_threshold(params.volume_threshold)
    except InvalidParameter as exc:
        raise InvalidInput(str(exc), code=ErrorCode.INVALID_PARAMETER, field=exc.field) from exc
    if params.channel is not None and params.channel < 0:
        raise InvalidInput(
            f"channel must be 0 or more (got {params.channel})",
            code=ErrorCode.INVALID_PARAMETER,
            field="channel",
        )
    if params.callback is not None:
        check_source_url(params.callback)
    if "emotions" in models:
        _require_emotions_model(state.settings.emotions_model)
    return {
        "models": list(models),
        "output_period": output_period,
        "channel": params.channel,
        "include_summary": params.include_summary,
        "include_transitions": params.include_transitions,
        "include_raw_values": params.include_raw_values,
        "volume_threshold": volume_threshold,
        "callback": params.callback,
    }


def _require_emotions_model(path: Path | None) -> None:
    """MODEL_UNAVAILABLE, saying how to configure one, when no emotions model file is set."""
    if path is not None and path.is_file():
        return
    try:
        emotions_model(path)  # raises before loading anything: there is no file
    except ModelUnavailable as exc:
        raise ReelgraphError(str(exc), code=ErrorCode.MODEL_UNAVAILABLE) from exc


def new_job_id() -> str:
    """32 hex digits, like the seed's job ids."""
    return new_session_id()


async def probe_audio(path: Path, channel: int | None) -> AudioInfo:
    """The file's audio layout; UNSUPPORTED_FORMAT or INVALID_PARAMETER (channel) otherwise."""
    try:
        info = await asyncio.to_thread(audio_info, path)
    except MediaError as exc:
        raise ReelgraphError(
            f"the audio cannot be processed: {exc}", code=ErrorCode.UNSUPPORTED_FORMAT
        ) from exc
    if channel is not None and channel >= info.channels:
        raise InvalidInput(
            f"channel {channel} does not exist: the audio has {info.channels} channel(s)",
            code=ErrorCode.INVALID_PARAMETER,
            field="channel",
        )
    return info


async def create_job(
    state: AppState,
    principal: Principal,
    config: dict[str, Any],
    *,
    source_kind: str,
    source: str,
    job_id: str | None = None,
) -> AudioJob:
    """Record the job (``new``) and queue it; the arq job id makes a duplicate a no-op."""
    job = AudioJob(
        id=job_id or new_job_id(),
        org_id=principal.org_id,
        project_id=principal.project_id,
        state=AudioJobState.NEW,
        config=config,
        source_kind=source_kind,
        source=source,
        callback_url=config.get("callback"),
        error_description=None,
        progress=0.0,
        created_at=now_s(),
        finished_at=None,
        callback_attempts=(),
    )
    await state.audio_jobs.add(job)
    await state.redis.enqueue_job(JOB_NAME, job_id=job.id, _job_id=f"audio-job:{job.id}")
    return job


async def create_from_url(
    state: AppState, principal: Principal, url: str, params: JobParameters
) -> AudioJob:
    config = job_config(state, params)
    return await create_job(
        state, principal, config, source_kind="url", source=check_source_url(url)
    )


async def create_from_file(
    state: AppState, principal: Principal, path: Path, job_id: str, params: JobParameters
) -> AudioJob:
    """A job of a file the API just received into ``job_dir(job_id)``."""
    config = job_config(state, params)
    await probe_audio(path, config["channel"])
    return await create_job(
        state, principal, config, source_kind="upload", source=str(path), job_id=job_id
    )


async def create_from_upload(
    state: AppState, principal: Principal, upload_id: str, params: JobParameters
) -> AudioJob:
    config = job_config(state, params)
    upload = await state.uploads.get(upload_id, principal.org_id)
    if upload is None:
        raise NotFound(f"upload {upload_id} not found", code=ErrorCode.UPLOAD_NOT_FOUND)
    limit = state.settings.audio_upload_max_bytes
    if upload.size_bytes > limit:
        raise PayloadTooLarge(f"audio uploads are limited to {limit} bytes")
    await probe_audio(Path(upload.path), config["channel"])
    return await create_job(state, principal, config, source_kind="upload", source=upload.path)


async def create_from_session(
    state: AppState, principal: Principal, session_id: str, params: JobParameters
) -> AudioJob:
    """A job of a session's audio; its transitions become labels on the session."""
    config = job_config(state, params)
    session = await require_session(state, principal, session_id)
    if session.status is not SessionStatus.READY or not session.media_path:
        raise ReelgraphError(f"session {session_id} is not ingested yet", code=ErrorCode.NOT_READY)
    if not session.has_audio:
        raise InvalidInput(f"session {session_id} has no audio", code=ErrorCode.NO_AUDIO)
    channels = session.channels or 1
    if config["channel"] is not None and config["channel"] >= channels:
        raise InvalidInput(
            f"channel {config['channel']} does not exist: the audio has {channels} channel(s)",
            code=ErrorCode.INVALID_PARAMETER,
            field="channel",
        )
    return await create_job(state, principal, config, source_kind="session", source=session.id)


async def require_job(state: AppState, principal: Principal, job_id: str) -> AudioJob:
    """The caller's job, or AUDIO_JOB_NOT_FOUND (another org's job does not exist for them)."""
    job = await state.audio_jobs.get(job_id, principal.org_id)
    if job is None:
        raise NotFound(f"audio job {job_id} not found", code=ErrorCode.AUDIO_JOB_NOT_FOUND)
    return job


async def result_json(state: AppState, principal: Principal, job_id: str) -> str:
    """The result document of a done job, as stored JSON text."""
    job = await require_job(state, principal, job_id)
    stored = await state.audio_jobs.result_json(job.id, principal.org_id)
    if job.state is not AudioJobState.DONE or stored is None:
        detail = f": {job.error_description}" if job.error_description else ""
        raise ReelgraphError(
            f"audio job {job_id} is {job.state.value}{detail}", code=ErrorCode.AUDIO_JOB_NOT_DONE
        )
    return stored


async def jobs_page(
    state: AppState, principal: Principal, *, first: int, after: str | None
) -> tuple[list[tuple[AudioJob, str]], bool]:
    """A page of the org's jobs, newest first, each with its cursor; and whether more follow."""
    limit = check_first(first, MAX_PAGE)
    found = await state.audio_jobs.page(principal.org_id, page_position(after), limit + 1)
    page = [(job, encode_cursor(job.created_at, job.id)) for job in found[:limit]]
    return page, len(found) > limit


async def cancel_job(state: AppState, principal: Principal, job_id: str) -> AudioJob:
    """End an unfinished job as ``error`` (a running job's result is then discarded); a
    finished job is returned as it is."""
    job = await require_job(state, principal, job_id)
    await finish(state, job.id, error=CANCELLED, callback=False)
    return await require_job(state, principal, job_id)


def upload_target(state: AppState, job_id: str) -> Path:
    """Where the body of a direct-upload job is written."""
    return job_dir(state, job_id) / "source"
