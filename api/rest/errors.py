"""REST error bodies: ``{success: false, error: {code, message}}`` with the right status."""

from __future__ import annotations

from starlette.responses import JSONResponse

from graph.errors import ReelgraphError


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"success": False, "error": {"code": code, "message": message}}, status_code=status
    )


def from_exception(exc: ReelgraphError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message)
