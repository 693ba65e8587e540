"""``GET /api/v1/media-proxy?url=...``: an external image, fetched by the server (system scope)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.rest.errors import error_response, from_exception
from api.rest.file_response import PRIVATE_MEDIA_CACHE
from api.services.media_proxy import fetch_image
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, ReelgraphError


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    """``If-None-Match`` uses the weak comparison: ``W/`` prefixes are ignored."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


async def media_proxy(request: Request) -> Response:
    principal: Principal = request.state.principal
    if not principal.has_scope("system"):
        return error_response(
            ErrorCode.FORBIDDEN, "the media proxy needs a key with 'system' scope"
        )
    state: AppState = request.app.state.reelgraph
    try:
        image = await fetch_image(request.query_params.get("url", ""), state.settings)
    except ReelgraphError as exc:
        return from_exception(exc)
    headers = {
        "Cache-Control": PRIVATE_MEDIA_CACHE,
        "ETag": image.etag,
        "X-Content-Type-Options": "nosniff",
    }
    if _etag_matches(request.headers.get("if-none-match"), image.etag):
        return Response(status_code=304, headers=headers)
    return Response(image.content, media_type=image.content_type, headers=headers)
