"""Refuse NUL characters and lone surrogates in every string a GraphQL operation carries.

One check before validation, over the variables (JSON scalars included, keys too) and the
string literals of the document, so no resolver sees such a string (HTTP and WebSocket alike).
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from api.input_strings import InvalidString, check_strings


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        self.values.append(node.value)


def _check_operation(extension: SchemaExtension) -> None:
    context = extension.execution_context
    check_strings(context.variables or {}, "variables")
    check_strings(context.operation_name or "", "operationName")
    if context.graphql_document is not None:
        literals = _Literals()
        visit(context.graphql_document, literals)
        check_strings(literals.values, "a string literal")


class InputStrings(SchemaExtension):
    """Answers INVALID_STRING, before validation and execution, for an unstorable string."""

    def on_validate(self) -> Iterator[None]:
        try:
            _check_operation(self)
        except InvalidString as exc:
            self.execution_context.pre_execution_errors = [
                GraphQLError(exc.message, original_error=exc, extensions={"code": exc.code})
            ]
        yield
