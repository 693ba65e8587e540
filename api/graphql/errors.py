"""Typed GraphQL errors: expected failures carry ``extensions.code``; the rest are masked."""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from graph.errors import ReelgraphError

log = logging.getLogger(__name__)


class TypedErrors(MaskErrors):
    """Adds ``extensions.code`` to expected errors and masks unexpected ones (logging them)."""

    def __init__(self) -> None:
        super().__init__(error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._typed(error) for error in errors]

    def _typed(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ReelgraphError):
            extensions = {"code": original.code, **original.details}
            return GraphQLError(
                original.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions=extensions,
            )
        if original is None or isinstance(original, GraphQLError):
            # Syntax, validation and coercion errors: the client's own query is at fault.
            extensions = dict(error.extensions or {})
            extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
            return GraphQLError(
                error.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions=extensions,
            )
        log.error("unexpected error in %s", error.path, exc_info=original)
        masked = self.anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked
