"""DeepTone-compatible file processing: ``POST /file-processing/jobs``, a job, its results.

``POST /file-processing/jobs?models=...&output_period=...`` takes either a JSON body
``{"url": ...}`` or the audio itself (``content-type: audio/wav``, ``audio/flac``,
``audio/mpeg``, any ``audio/*`` or ``application/octet-stream``) and answers ``{"id": ...}``.
``GET /file-processing/jobs/{id}`` answers ``{id, state, config, error_description}`` and
``GET /file-processing/jobs/{id}/results`` ``{job_id, result: {channels: ...}}``. Errors are
the API's JSON errors; another org's job is 404 like an unknown one.
"""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.json_limits import loads_json
from api.rest.errors import typed_errors
from api.rest.params import request_context
from api.rest.upload_stream import LimitedFile
from api.services import audio_jobs as service
from api.services.audio_jobs import JobParameters
from graph.audio_jobs import AudioJob, job_view
from graph.errors import ErrorCode, InvalidInput, PayloadTooLarge, ReelgraphError

MAX_JSON_BODY = 64 * 1024
_INT = re.compile(r"-?[0-9]{1,10}")
_DECIMAL = re.compile(r"[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12}")
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no", "")


def _invalid(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.INVALID_PARAMETER, field=name)


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not _INT.fullmatch(raw):
        raise _invalid(name, f"{name} must be an integer, got {raw[:40]!r}")
    return int(raw)


def _bool(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "").lower()
    if raw not in _TRUE + _FALSE:
        raise _invalid(name, f"{name} must be true or false, got {raw[:40]!r}")
    return raw in _TRUE


def job_parameters(request: Request) -> JobParameters:
    """The job's query parameters, parsed (the service checks their ranges)."""
    models = request.query_params.get("models")
    if not models:
        raise _invalid("models", "models is required: a comma-separated list of model names")
    params: dict[str, Any] = {"models": models}
    output_period = _int(request, "output_period")
    if output_period is not None:
        params["output_period"] = output_period
    params["channel"] = _int(request, "channel")
    for name in ("include_summary", "include_transitions", "include_raw_values"):
        params[name] = _bool(request, name)
    raw_threshold = request.query_params.get("volume_threshold")
    if raw_threshold is not None:
        if not _DECIMAL.fullmatch(raw_threshold):
            raise _invalid(
                "volume_threshold", f"volume_threshold must be a number, got {raw_threshold[:40]!r}"
            )
        params["volume_threshold"] = float(raw_threshold)
    params["callback"] = request.query_params.get("callback") or None
    return JobParameters(**params)


def _is_audio(content_type: str) -> bool:
    return content_type.startswith("audio/") or content_type == "application/octet-stream"


@typed_errors
async def create_job(request: Request) -> Response:
    """A job of the URL in a JSON body, or of the audio in the body."""
    state, principal = request_context(request)
    params = job_parameters(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        job = await service.create_from_url(state, principal, await _json_url(request), params)
    elif _is_audio(content_type):
        service.job_config(state, params)  # refuse bad parameters before reading the audio
        job = await _create_from_body(request, params)
    else:
        raise ReelgraphError(
            f"unsupported content-type {content_type[:60]!r}: send application/json with a "
            '{"url": ...} body, or the audio itself as audio/wav, audio/flac or audio/mpeg',
            code=ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        )
    return JSONResponse({"id": job.id})


async def _json_url(request: Request) -> str:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON_BODY:
            raise PayloadTooLarge(f"a JSON job body is limited to {MAX_JSON_BODY} bytes")
    try:
        payload = loads_json(body)
    except ValueError as exc:
        raise InvalidInput("the body is not valid JSON", code=ErrorCode.INVALID_URL) from exc
    url = payload.get("url") if isinstance(payload, dict) else None
    if not isinstance(url, str) or not url:
        raise InvalidInput('the JSON body needs a "url" string', code=ErrorCode.INVALID_URL)
    return url


async def _create_from_body(request: Request, params: JobParameters) -> AudioJob:
    """Stream the body to the job's directory (413 past the limit), probe it, queue the job."""
    state, principal = request_context(request)
    limit = state.settings.audio_upload_max_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"direct audio uploads are limited to {limit} bytes")
    job_id = service.new_job_id()
    target = service.upload_target(state, job_id)
    try:
        with LimitedFile(target, limit) as out:
            async for chunk in request.stream():
                out.write(chunk)
            if out.size == 0:
                raise InvalidInput("the audio body is empty", code=ErrorCode.EMPTY_UPLOAD)
            out.commit()
        return await service.create_from_file(state, principal, target, job_id, params)
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise


@typed_errors
async def get_job(request: Request) -> Response:
    state, principal = request_context(request)
    job = await service.require_job(state, principal, str(request.path_params["job_id"]))
    return JSONResponse(job_view(job))


@typed_errors
async def get_results(request: Request) -> Response:
    """The stored result, spliced into the envelope without decoding it."""
    state, principal = request_context(request)
    job_id = str(request.path_params["job_id"])
    stored = await service.result_json(state, principal, job_id)
    body = '{"job_id":' + json.dumps(job_id) + ',"result":' + stored + "}"
    return Response(body, media_type="application/json")
