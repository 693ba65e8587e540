"""``GET /api/v1/file/{file_uuid}/video``: Range streaming, a stream-copied frame range, or
``mode=debug`` (faces boxed with trace ids and confidences, frame numbers stamped)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from analysis.media.segment import stream_copy_command
from api.rest.errors import typed_errors
from api.rest.file_response import PRIVATE_MEDIA_CACHE, file_response
from api.rest.frames import debug_video
from api.rest.params import audio_on, debug_mode, frame_param, request_context
from api.rest.process_stream import stream_stdout
from api.services.frames import require_video
from api.services.renders import edit_listed_copy
from api.services.sessions import require_session
from graph.errors import ErrorCode, InvalidInput, NotFound
from graph.sessions import Session


def _frame_window(session: Session, start: int | None, end: int | None) -> tuple[float, float]:
    """(start_s, duration_s) for an inclusive frame range, as seed 004's /video table says."""
    if not session.fps or not session.frame_count:
        raise InvalidInput("the session has no video frames", code=ErrorCode.NO_VIDEO)
    first = start or 0
    last = session.frame_count - 1 if end is None else end
    if last < first:
        raise InvalidInput("end_frame is before start_frame", code=ErrorCode.INVALID_FRAME_RANGE)
    if first >= session.frame_count:
        raise InvalidInput(
            f"start_frame {first} is beyond the video ({session.frame_count} frames)",
            code=ErrorCode.INVALID_FRAME_RANGE,
        )
    last = min(last, session.frame_count - 1)
    return first / session.fps, (last - first + 1) / session.fps


@typed_errors
async def stream_video(request: Request) -> Response:
    state, principal = request_context(request)
    session = await require_session(state, principal, request.path_params["file_uuid"])
    if debug_mode(request):
        require_video(session)  # 409 NOT_READY while pending or failed, 400 NO_VIDEO for audio
        return await debug_video(request, session)
    if not session.media_path or not Path(session.media_path).is_file():
        raise NotFound("the session's media is not available", code=ErrorCode.MEDIA_NOT_FOUND)
    audio = audio_on(request)
    start = frame_param(request, "start_frame")
    end = frame_param(request, "end_frame")
    window = _frame_window(session, start, end) if start is not None or end is not None else None
    source = Path(session.media_path)
    if window is None and audio:
        return await file_response(request, source, "video/mp4")
    if session.kind != "video":
        raise InvalidInput("the session has no video stream", code=ErrorCode.NO_VIDEO)
    start_s, duration_s = window if window else (None, None)
    if principal.via_clip_url and window is not None and window[0] > 0:
        # a labeller's clip: exactly the window, not the GOP before it (see edit_listed_copy)
        copied = await edit_listed_copy(state, session, source, window[0], window[1], audio=audio)
        return await file_response(request, copied, "video/mp4")
    cmd = stream_copy_command(source, start_s=start_s, duration_s=duration_s, audio=audio)
    headers = {"Cache-Control": PRIVATE_MEDIA_CACHE, "Accept-Ranges": "none"}
    if request.method == "HEAD":
        return Response(media_type="video/mp4", headers=headers)
    return StreamingResponse(stream_stdout(cmd), media_type="video/mp4", headers=headers)
