"""``POST /api/v1/files``: stream an upload to the media root, answer its ``file_uuid``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse

from api.rest.errors import error_response, from_exception
from api.services.state import AppState, Principal
from graph.errors import InvalidInput, PayloadTooLarge
from graph.ids import new_session_id
from graph.uploads import Upload

_SAFE_EXT = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


def _target(media_dir: Path, file_uuid: str, filename: str | None) -> Path:
    ext = Path(filename or "").suffix
    return media_dir / file_uuid / ("source" + (ext.lower() if _SAFE_EXT.match(ext) else ""))


async def upload_file(request: Request) -> JSONResponse:
    """Raw body (any content type) or multipart with a ``file`` field; 413 above the limit."""
    state: AppState = request.app.state.reelgraph
    principal: Principal = request.state.principal
    limit = state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return error_response(413, "PAYLOAD_TOO_LARGE", f"uploads are limited to {limit} bytes")
    content_type = request.headers.get("content-type", "")
    file_uuid = new_session_id()
    filename = request.query_params.get("filename") or request.headers.get("x-filename")
    try:
        if content_type.startswith("multipart/form-data"):
            target, size, filename, content_type = await _save_multipart(
                request, state.settings.media_dir, file_uuid, limit
            )
        else:
            target = _target(state.settings.media_dir, file_uuid, filename)
            size = await _write_chunks(request.stream(), target, limit)
    except (PayloadTooLarge, InvalidInput) as exc:
        return from_exception(exc)
    if size == 0:
        target.unlink(missing_ok=True)
        return error_response(400, "EMPTY_UPLOAD", "the upload is empty")
    await state.uploads.add(
        Upload(
            id=file_uuid,
            org_id=principal.org_id,
            size_bytes=size,
            path=str(target),
            filename=filename,
            content_type=content_type or None,
            session_id=None,
        )
    )
    return JSONResponse({"success": True, "file_uuid": file_uuid, "size_bytes": size})


async def _write_chunks(chunks: AsyncIterator[bytes], target: Path, limit: int) -> int:
    """Write to ``target`` via a ``.part`` file, stopping with 413 past ``limit`` bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    size = 0
    try:
        with part.open("wb") as fh:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"uploads are limited to {limit} bytes")
                fh.write(chunk)
        part.replace(target)
    finally:
        part.unlink(missing_ok=True)
    return size


async def _read_upload(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1024 * 1024):
        yield chunk


async def _save_multipart(
    request: Request, media_dir: Path, file_uuid: str, limit: int
) -> tuple[Path, int, str | None, str]:
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("multipart uploads need a 'file' field", code="NO_FILE")
        target = _target(media_dir, file_uuid, upload.filename)
        size = await _write_chunks(_read_upload(upload), target, limit)
        return target, size, upload.filename, upload.content_type or ""
