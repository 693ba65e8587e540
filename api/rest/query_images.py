"""``POST /api/v1/query-images?name=NAME`` and ``GET /api/v1/query-images/{image_id}``.

Upload: a raw body (any content type) or multipart with a ``file`` part, at most
``REELGRAPH_QUERY_IMAGE_MAX_BYTES`` (413 at the first byte past it); anything that is not a
readable image is 400 ``INVALID_IMAGE``. Download: the original bytes; 400 for an id that is no
UUID, 404 for an unknown id or another org's.
"""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.rest.errors import typed_errors
from api.rest.params import request_context
from api.rest.upload_stream import LimitedFile, save_multipart_file
from api.services.query_images import add_query_image, query_image_bytes
from graph.errors import PayloadTooLarge

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WebP": "image/webp", "BMP": "image/bmp"}
_INCOMING = "query-images-incoming"  # multipart bodies are parsed through a file, then read


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"query images are limited to {limit} bytes")
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        state, _ = request_context(request)
        target = state.settings.media_dir / _INCOMING / uuid.uuid4().hex / "image"
        with LimitedFile(target, limit) as out:
            await save_multipart_file(content_type, request.stream(), out)
            out.commit()
        try:
            return target.read_bytes()
        finally:
            target.unlink(missing_ok=True)
            target.parent.rmdir()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"query images are limited to {limit} bytes")
    return bytes(body)


@typed_errors
async def upload_query_image(request: Request) -> Response:
    state, principal = request_context(request)
    data = await _body(request, state.settings.query_image_max_bytes)
    image = await add_query_image(state, principal, data, request.query_params.get("name"))
    return JSONResponse({"success": True, "image_id": image.id})


@typed_errors
async def download_query_image(request: Request) -> Response:
    state, principal = request_context(request)
    image, data = await query_image_bytes(state, principal, request.path_params["image_id"])
    return Response(data, media_type=MEDIA_TYPES.get(image.format, "application/octet-stream"))
