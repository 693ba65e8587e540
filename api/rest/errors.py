"""REST error bodies: ``{success: false, error: {code, message}}`` with the right status."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from analysis.errors import MediaError
from graph.errors import ErrorCode, ReelgraphError

log = logging.getLogger(__name__)


def error_response(code: ErrorCode | str, message: str, status: int | None = None) -> JSONResponse:
    """The JSON error body; the status is the code's unless given (a code outside the enum)."""
    if status is None:
        status = code.status if isinstance(code, ErrorCode) else 500
    return JSONResponse(
        {"success": False, "error": {"code": code, "message": message}}, status_code=status
    )


def from_exception(exc: ReelgraphError) -> JSONResponse:
    return error_response(exc.code, exc.message, exc.status)


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
            return error_response(ErrorCode.MEDIA_ERROR, str(exc))

    return run
