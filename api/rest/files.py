"""``POST /api/v1/files``: stream an upload to the media root, answer its ``file_uuid``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.rest.errors import error_response, from_exception
from api.rest.upload_stream import LimitedFile, save_multipart_file
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, InvalidInput, PayloadTooLarge
from graph.ids import new_session_id
from graph.uploads import Upload

# The stored name never carries the client's extension: ingest detects the format from the
# content, and a name chosen by the client must not steer any tool that opens the file.
SOURCE_NAME = "source"


async def upload_file(request: Request) -> JSONResponse:
    """Raw body (any content type) or multipart with a ``file`` part; 413 at the limit."""
    state: AppState = request.app.state.reelgraph
    principal: Principal = request.state.principal
    limit = state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return error_response(ErrorCode.PAYLOAD_TOO_LARGE, f"uploads are limited to {limit} bytes")
    content_type = request.headers.get("content-type", "")
    file_uuid = new_session_id()
    filename = request.query_params.get("filename") or request.headers.get("x-filename")
    target = state.settings.media_dir / file_uuid / SOURCE_NAME
    try:
        with LimitedFile(target, limit) as out:
            if content_type.startswith("multipart/form-data"):
                part = await save_multipart_file(content_type, request.stream(), out)
                filename, content_type = part.filename, part.content_type or ""
            else:
                async for chunk in request.stream():
                    out.write(chunk)
            if out.size == 0:
                raise InvalidInput("the upload is empty", code=ErrorCode.EMPTY_UPLOAD)
            out.commit()
    except (PayloadTooLarge, InvalidInput) as exc:
        return from_exception(exc)
    await state.uploads.add(
        Upload(
            id=file_uuid,
            org_id=principal.org_id,
            size_bytes=out.size,
            path=str(target),
            filename=filename,
            content_type=content_type or None,
            session_id=None,
        )
    )
    return JSONResponse({"success": True, "file_uuid": file_uuid, "size_bytes": out.size})
