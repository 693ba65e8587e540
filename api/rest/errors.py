"""REST error bodies: ``{success: false, error: {code, message}}`` with the right status."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from analysis.errors import MediaError
from graph.errors import ReelgraphError

log = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"success": False, "error": {"code": code, "message": message}}, status_code=status
    )


def from_exception(exc: ReelgraphError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message)


Handler = Callable[[Request], Awaitable[Response]]


def typed_errors(handler: Handler) -> Handler:
    """Expected failures become their JSON error; undecodable media is a 500 MEDIA_ERROR."""

    @functools.wraps(handler)
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except ReelgraphError as exc:
            return from_exception(exc)
        except MediaError as exc:
            log.warning("media error on %s: %s", request.url.path, exc)
            return error_response(500, "MEDIA_ERROR", str(exc))

    return run
