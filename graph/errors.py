"""Typed errors shared by every package: each has a stable ``code`` clients can rely on."""

from __future__ import annotations

from typing import Any


class ReelgraphError(Exception):
    """Root of every expected failure; ``code`` is stable and documented, ``status`` is HTTP."""

    code = "INTERNAL_SERVER_ERROR"
    status = 500

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class InvalidInput(ReelgraphError):
    code = "BAD_USER_INPUT"
    status = 400


class NotFound(ReelgraphError):
    code = "NOT_FOUND"
    status = 404


class Unauthenticated(ReelgraphError):
    code = "UNAUTHENTICATED"
    status = 401


class Forbidden(ReelgraphError):
    code = "FORBIDDEN"
    status = 403


class Conflict(ReelgraphError):
    code = "CONFLICT"
    status = 409


class PayloadTooLarge(ReelgraphError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413


class StackError(ReelgraphError):
    """A component of the embedded stack could not be started or reached."""

    code = "STACK_ERROR"
    status = 503
