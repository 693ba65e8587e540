"""Seed 004's image and clip routes: thumbnails, face thumbnails, clips and overlay videos."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from api.rest.errors import typed_errors
from api.rest.file_response import PRIVATE_MEDIA_CACHE, file_response
from api.rest.params import (
    audio_on,
    crop_params,
    debug_mode,
    float_param,
    fps_param,
    frame_param,
    int_path,
    request_context,
)
from api.rest.process_stream import stream_stdout, tee_to_cache
from api.services.faces import require_stranger, require_trace
from api.services.frames import face_jpeg, frame_jpeg, require_video
from api.services.media_cache import media_cache
from api.services.renders import (
    Rendered,
    check_range,
    clip,
    face_boxes,
    overlay_video,
    range_from_times,
)
from api.services.representative_frame import representative_frame
from api.services.sessions import require_session
from api.services.state import AppState
from graph.errors import ErrorCode, InvalidInput, NotFound
from graph.sessions import Session

JPEG = "image/jpeg"


async def _session(request: Request) -> Session:
    state, principal = request_context(request)
    return await require_session(state, principal, request.path_params["file_uuid"])


async def send(request: Request, rendered: Rendered) -> Response:
    """A cached file (validators, ranges) or a streamed render that fills the cache."""
    state, _ = request_context(request)
    if rendered.path is not None:
        return await file_response(request, rendered.path, rendered.media_type)
    headers = {"Cache-Control": PRIVATE_MEDIA_CACHE, "Accept-Ranges": "none"}
    if request.method == "HEAD":
        return Response(media_type=rendered.media_type, headers=headers)
    assert rendered.cmd is not None
    writer = media_cache(state.settings).writer(rendered.cache_session, rendered.cache_name)
    chunks = tee_to_cache(stream_stdout(rendered.cmd, rendered.frames), writer)
    return StreamingResponse(chunks, media_type=rendered.media_type, headers=headers)


@typed_errors
async def thumbnail(request: Request) -> Response:
    """``frame`` (zero-based) or the auto-detected frame; optional ``x, y, w, h`` crop."""
    state, _ = request_context(request)
    session = await _session(request)
    crop = crop_params(request)
    frame = frame_param(request, "frame")
    if frame is None:
        require_video(session)
        frame = (await representative_frame(state, session)).frame
    path = await frame_jpeg(state, session, frame, crop)
    return await file_response(request, path, JPEG)


@typed_errors
async def trace_thumbnail(request: Request) -> Response:
    state, principal = request_context(request)
    session = await _session(request)
    trace = await require_trace(
        state, principal, session.id, int_path(request, "trace_id", ErrorCode.TRACE_NOT_FOUND)
    )
    if trace.representative is None:
        raise NotFound(f"trace {trace.trace_id} has no detected face", code=ErrorCode.NO_FACE)
    path = await face_jpeg(state, session, trace.representative)
    return await file_response(request, path, JPEG)


@typed_errors
async def stranger_thumbnail(request: Request) -> Response:
    state, _ = request_context(request)
    session = await _session(request)
    stranger = await require_stranger(
        state, session, int_path(request, "stranger_id", ErrorCode.STRANGER_NOT_FOUND)
    )
    if stranger.representative is None:
        raise NotFound(
            f"stranger {stranger.stranger_id} has no detected face", code=ErrorCode.NO_FACE
        )
    path = await face_jpeg(state, session, stranger.representative)
    return await file_response(request, path, JPEG)


@typed_errors
async def chunk_thumbnail(request: Request) -> Response:
    """The chunk's representative frame: the auto-detect chain within it, else its middle."""
    state, _ = request_context(request)
    session = await _session(request)
    require_video(session)
    chunk_id = request.path_params["chunk_id"]
    chunk = await state.chunks.get(session.id, chunk_id)
    if chunk is None:
        raise NotFound(f"chunk {chunk_id} not found in this file", code=ErrorCode.CHUNK_NOT_FOUND)
    try:
        chosen = await representative_frame(
            state, session, start=chunk.start_frame, end=chunk.end_frame
        )
        frame = chosen.frame
    except NotFound:
        frame = (chunk.start_frame + chunk.end_frame) // 2
    path = await frame_jpeg(state, session, frame)
    return await file_response(request, path, JPEG)


@typed_errors
async def clip_video(request: Request) -> Response:
    """MPEG-TS of ``start_frame..end_frame`` (inclusive) or ``start_time..end_time``."""
    state, _ = request_context(request)
    session = await _session(request)
    audio, debug = audio_on(request), debug_mode(request)
    require_video(session)
    video_fps = float(session.fps or 0)
    fps = fps_param(request) or video_fps
    start, end = frame_param(request, "start_frame"), frame_param(request, "end_frame")
    start_s, end_s = float_param(request, "start_time"), float_param(request, "end_time")
    if start is not None and end is not None:
        if fps != video_fps:  # frames counted at another rate: convert through time
            start, end = round(start * video_fps / fps), round(end * video_fps / fps)
        frames = check_range(session, start, end)
    elif start_s is not None and end_s is not None:
        frames = range_from_times(session, start_s, end_s, video_fps)
    else:
        raise InvalidInput(
            "give start_frame and end_frame, or start_time and end_time",
            code=ErrorCode.MISSING_RANGE,
        )
    return await send(request, await clip(state, session, frames, audio=audio, debug=debug))


@typed_errors
async def trace_video(request: Request) -> Response:
    """The trace's frames with its face boxed and named (fragmented MP4)."""
    state, principal = request_context(request)
    session = await _session(request)
    audio, debug = audio_on(request), debug_mode(request)
    trace = await require_trace(
        state, principal, session.id, int_path(request, "trace_id", ErrorCode.TRACE_NOT_FOUND)
    )
    frames = check_range(session, trace.start_frame, trace.end_frame)
    boxes = await face_boxes(state, session, frames, trace_id=trace.trace_id, debug=debug)
    kind = f"trace{trace.trace_id}"
    rendered = await overlay_video(
        state, session, frames, boxes, kind=kind, audio=audio, stamp=debug
    )
    return await send(request, rendered)


@typed_errors
async def bbox_video(request: Request) -> Response:
    """Every traced face boxed and labelled; ``start_frame``/``end_frame`` narrow it."""
    state, _ = request_context(request)
    session = await _session(request)
    return await _all_faces_video(request, state, session, kind="bbox", debug=debug_mode(request))


async def _all_faces_video(
    request: Request, state: AppState, session: Session, *, kind: str, debug: bool
) -> Response:
    audio = audio_on(request)
    require_video(session)
    last = (session.frame_count or 1) - 1
    start = frame_param(request, "start_frame")
    end = frame_param(request, "end_frame")
    frames = check_range(session, start or 0, last if end is None else end)
    boxes = await face_boxes(state, session, frames, debug=debug)
    rendered = await overlay_video(
        state, session, frames, boxes, kind=kind, audio=audio, stamp=debug
    )
    return await send(request, rendered)


async def debug_video(request: Request, session: Session) -> Response:
    """``/video?mode=debug``: boxes with trace ids and confidences, and the frame number."""
    state, _ = request_context(request)
    return await _all_faces_video(request, state, session, kind="debug", debug=True)
