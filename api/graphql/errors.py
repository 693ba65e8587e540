"""Typed GraphQL errors: expected failures carry ``extensions.code``; the rest are masked.

Failed operations are logged by operation name, path and error code only: an error's text
can quote the query (``str(GraphQLError)`` prints the source around it), and the query and
its variables can hold credentials (``login(apiKey:)``).
"""

from __future__ import annotations

import logging
import re

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from graph.errors import ErrorCode, ReelgraphError
from graph.outages import store_outage

log = logging.getLogger(__name__)

_OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")


def typed_error(error: GraphQLError) -> ReelgraphError | None:
    """The typed error behind ``error``: raised as one, or a store's outage (a driver's)."""
    original = error.original_error
    if original is None or isinstance(original, ReelgraphError):
        return original
    return store_outage(original)


def is_expected(error: GraphQLError) -> bool:
    """A failure the client caused or the API documents (syntax, validation, typed errors,
    a store's outage)."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError) or typed_error(error) is not None


def error_code(error: GraphQLError) -> str:
    typed = typed_error(error)
    if typed is not None:
        return typed.code
    if not is_expected(error):
        return ErrorCode.INTERNAL_SERVER_ERROR
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else ErrorCode.GRAPHQL_VALIDATION_FAILED


def _operation(context: ExecutionContext | None) -> str:
    """``mutation login``-style label: the operation's type and name, never its text."""
    if context is None:
        return "operation"
    try:
        kind = context.operation_type.value
    except RuntimeError:  # no document, or no operation of that name
        kind = "operation"
    name = context.operation_name
    if not name:
        return f"{kind} (anonymous)"
    valid = isinstance(name, str) and _OPERATION_NAME.fullmatch(name)
    return f"{kind} {name if valid else '(invalid name)'}"


def log_errors(errors: list[GraphQLError], context: ExecutionContext | None) -> None:
    """Expected errors at INFO without a traceback; others at ERROR with the exception's."""
    operation = _operation(context)
    for error in errors:
        path = ".".join(str(key) for key in error.path) if error.path else "-"
        if is_expected(error):
            log.info("graphql %s failed at %s: %s", operation, path, error_code(error))
        else:
            log.error(
                "graphql %s failed at %s: unexpected %s",
                operation,
                path,
                type(error.original_error).__name__,
                exc_info=error.original_error,
            )


class TypedErrors(MaskErrors):
    """Adds ``extensions.code`` to expected errors and masks unexpected ones."""

    def __init__(self) -> None:
        super().__init__(error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._typed(error) for error in errors]

    def _typed(self, error: GraphQLError) -> GraphQLError:
        typed = typed_error(error)
        if typed is not None:
            extensions = {"code": typed.code, **typed.details}
            return GraphQLError(
                typed.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions=extensions,
            )
        if is_expected(error):
            # Syntax, validation and coercion errors: the client's own query is at fault.
            extensions = dict(error.extensions or {})
            extensions.setdefault("code", ErrorCode.GRAPHQL_VALIDATION_FAILED)
            return GraphQLError(
                error.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions=extensions,
            )
        masked = self.anonymise_error(error)
        masked.extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR}
        return masked
