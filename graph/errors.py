"""Typed errors shared by every package: each carries a stable :class:`ErrorCode`.

A raise site names its code (``InvalidInput(message, code=ErrorCode.NO_VIDEO)``); the HTTP
status comes from the code, so an error class only picks the default code for its kind. A
site that must answer another status says so (``status=400``: a malformed id is a bad request
even where its code is the not-found one).
"""

from __future__ import annotations

from typing import Any

from graph.error_codes import ErrorCode

__all__ = [
    "Conflict",
    "ErrorCode",
    "InvalidInput",
    "NotFound",
    "PayloadTooLarge",
    "ReelgraphError",
    "StackError",
    "Unauthenticated",
]


class ReelgraphError(Exception):
    """Root of every expected failure; ``code`` is stable and documented, ``status`` is HTTP.

    ``code`` is normally an :class:`ErrorCode`; a plain string outside the enum is kept as
    given (and answers with the class's default status), so a plug-in's own code still works.
    ``details`` become GraphQL ``extensions`` beside the code.
    """

    code: str = ErrorCode.INTERNAL_SERVER_ERROR
    _status: int | None = None

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | str | None = None,
        status: int | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = ErrorCode.known(code) or code
        self._status = status
        self.details = details

    @property
    def status(self) -> int:
        """The HTTP status: the code's, unless the raise site gave another."""
        if self._status is not None:
            return self._status
        code = self.code
        if isinstance(code, ErrorCode):
            return code.status
        default = type(self).code
        return default.status if isinstance(default, ErrorCode) else 500


class InvalidInput(ReelgraphError):
    code = ErrorCode.BAD_USER_INPUT


class NotFound(ReelgraphError):
    code = ErrorCode.NOT_FOUND


class Unauthenticated(ReelgraphError):
    code = ErrorCode.UNAUTHENTICATED


class Conflict(ReelgraphError):
    code = ErrorCode.CONFLICT


class PayloadTooLarge(ReelgraphError):
    code = ErrorCode.PAYLOAD_TOO_LARGE


class StackError(ReelgraphError):
    """A component of the embedded stack could not be started or reached."""

    code = ErrorCode.STACK_ERROR
