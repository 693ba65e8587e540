"""``GET /api/v1/file/{file_uuid}/video``: Range streaming, a stream-copied frame range, or
``mode=debug`` (faces boxed with trace ids and confidences, frame numbers stamped)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from analysis.media.segment import stream_copy_command
from api.rest.errors import error_response, from_exception
from api.rest.file_response import file_response
from api.rest.frames import debug_video
from api.rest.params import audio_on, debug_mode, frame_param
from api.rest.process_stream import stream_stdout
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.errors import InvalidInput, NotFound
from graph.sessions import Session

CACHE_CONTROL = "public, max-age=86400"


def _frame_window(session: Session, start: int | None, end: int | None) -> tuple[float, float]:
    """(start_s, duration_s) for an inclusive frame range, as seed 004's /video table says."""
    if not session.fps or not session.frame_count:
        raise InvalidInput("the session has no video frames", code="NO_VIDEO")
    first = start or 0
    last = session.frame_count - 1 if end is None else end
    if last < first:
        raise InvalidInput("end_frame is before start_frame", code="INVALID_FRAME_RANGE")
    if first >= session.frame_count:
        raise InvalidInput(
            f"start_frame {first} is beyond the video ({session.frame_count} frames)",
            code="INVALID_FRAME_RANGE",
        )
    last = min(last, session.frame_count - 1)
    return first / session.fps, (last - first + 1) / session.fps


async def stream_video(request: Request) -> Response:
    state: AppState = request.app.state.reelgraph
    principal: Principal = request.state.principal
    try:
        session = await require_session(state, principal, request.path_params["file_uuid"])
        if not session.media_path or not Path(session.media_path).is_file():
            raise NotFound("the session's media is not available", code="MEDIA_NOT_FOUND")
        debug = debug_mode(request)
        audio = audio_on(request)
        start = frame_param(request, "start_frame")
        end = frame_param(request, "end_frame")
        window = (
            _frame_window(session, start, end) if start is not None or end is not None else None
        )
    except (InvalidInput, NotFound) as exc:
        return from_exception(exc)
    if debug:
        return await debug_video(request, session)
    source = Path(session.media_path)
    if window is None and audio:
        return await file_response(request, source, "video/mp4", cache_control=CACHE_CONTROL)
    if session.kind != "video":
        return error_response(400, "NO_VIDEO", "the session has no video stream")
    start_s, duration_s = window if window else (None, None)
    cmd = stream_copy_command(source, start_s=start_s, duration_s=duration_s, audio=audio)
    headers = {"Cache-Control": CACHE_CONTROL, "Accept-Ranges": "none"}
    if request.method == "HEAD":
        return Response(media_type="video/mp4", headers=headers)
    return StreamingResponse(stream_stdout(cmd), media_type="video/mp4", headers=headers)
