"""Every limit on a GraphQL request, checked before any resolver runs.

The view refuses a JSON body over ``max_body_bytes`` before decoding it (413; multipart
uploads have their own limit, see :mod:`api.request_body`), and a WebSocket message over it.
:class:`QueryLimiter` then parses with the parser's own limits (length, tokens), measures the
document (aliases, depth, cost, see :mod:`api.graphql.cost`) and the variables (list lengths),
and validates it. A large document is parsed and validated on a small thread pool, so it
cannot hold up the event loop that answers other requests.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from graphql.error import GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from api.graphql.cost import OperationMeter, introspection_list_sizes, list_over
from graph.errors import ErrorCode, ReelgraphError
from graph.settings import Settings

T = TypeVar("T")

OFF_LOOP_MIN_CHARS = 8 * 1024  # smaller documents parse and validate in well under a millisecond
_PARSER_LIMIT_SUFFIX = "Parsing aborted."  # graphql-core's message for its own limits
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,127}")
_off_loop = ThreadPoolExecutor(max_workers=2, thread_name_prefix="graphql-parse")


class QueryTooLarge(ReelgraphError):
    code = ErrorCode.QUERY_TOO_LARGE


class QueryTooComplex(ReelgraphError):
    code = ErrorCode.QUERY_TOO_COMPLEX


@dataclass(frozen=True)
class QueryLimits:
    """The limits of one schema; the defaults admit the playground and every client query.

    A list literal in the document is bounded by ``max_tokens``, a list in the variables by
    ``max_list_length``.
    """

    max_body_bytes: int = 2 * 1024**2
    max_tokens: int = 5_000
    max_aliases: int = 30
    max_depth: int = 12
    max_cost: int = 50_000
    max_list_length: int = 10_000  # addLabels takes up to 10,000 labels

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            max_body_bytes=settings.graphql_max_body_bytes,
            max_tokens=settings.graphql_max_tokens,
            max_aliases=settings.graphql_max_aliases,
            max_depth=settings.graphql_max_depth,
            max_cost=settings.graphql_max_cost,
            max_list_length=settings.graphql_max_list_length,
        )


def limit_error(error: ReelgraphError) -> GraphQLError:
    """A limit's refusal as a GraphQL error (``extensions.code`` and the limit)."""
    return GraphQLError(error.message, original_error=error)


def parse_document(query: str, limits: QueryLimits) -> DocumentNode:
    """Parse within the limits; QueryTooLarge when the parser gives up on one of them."""
    try:
        return parse(
            query,
            max_source_length=limits.max_body_bytes,
            max_lexical_tokens=limits.max_tokens,
            max_comments=limits.max_tokens,
        )
    except GraphQLSyntaxError as error:
        if error.message.endswith(_PARSER_LIMIT_SUFFIX):  # its message quotes no source text
            raise QueryTooLarge(error.message.removeprefix("Syntax Error: ")) from None
        raise


def check_and_validate(
    context: ExecutionContext, limits: QueryLimits, sizes: Mapping[tuple[str, str], float]
) -> list[GraphQLError]:
    """The limits' errors if any is exceeded, else the schema's validation errors."""
    document = context.graphql_document
    assert document is not None
    schema: GraphQLSchema = context.schema._schema
    longest = list_over(context.variables, limits.max_list_length)
    if longest is not None:
        return [
            limit_error(
                QueryTooLarge(
                    f"a list in the variables has {longest} items; at most "
                    f"{limits.max_list_length} are accepted",
                    limit=limits.max_list_length,
                )
            )
        ]
    try:
        measure = OperationMeter(schema, document, context.variables, sizes).measure()
    except RecursionError:
        measure = None
    if measure is None or measure.depth > limits.max_depth:
        message = f"the operation exceeds maximum operation depth of {limits.max_depth}"
        return [limit_error(QueryTooComplex(message, limit=limits.max_depth))]
    if measure.aliases > limits.max_aliases:
        message = f"{measure.aliases} aliases; at most {limits.max_aliases} are accepted"
        return [limit_error(QueryTooComplex(message, limit=limits.max_aliases))]
    if not measure.cost <= limits.max_cost:  # also refuses NaN
        message = (
            f"the operation may return about {measure.cost:.3g} fields; at most "
            f"{limits.max_cost} are accepted (ask for smaller pages)"
        )
        return [limit_error(QueryTooComplex(message, limit=limits.max_cost))]
    errors = validate_document(schema, document, context.validation_rules)
    # A rule may wrap the exception a scalar raised on a literal: still the client's input.
    return [
        e if isinstance(e.original_error, (GraphQLError, type(None))) else _plain(e) for e in errors
    ]


def _plain(error: GraphQLError) -> GraphQLError:
    return GraphQLError(error.message, nodes=error.nodes, extensions=error.extensions)


class QueryLimiter(SchemaExtension):
    """Parses, measures and validates each operation within :class:`QueryLimits`."""

    def __init__(self, limits: QueryLimits) -> None:
        self.limits = limits

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        query = context.query
        if context.graphql_document is None and query:
            try:
                context.graphql_document = await _run(
                    len(query), parse_document, query, self.limits
                )
            except QueryTooLarge as error:
                _refuse(context, limit_error(error))
            except GraphQLSyntaxError as error:
                _refuse(context, error)
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.graphql_document is not None:
            sizes = _introspection_sizes(context.schema._schema)
            context.pre_execution_errors = await _run(
                len(context.query or ""), check_and_validate, context, self.limits, sizes
            )
        yield


async def _run(size: int, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` inline for a small document, else on the thread pool."""
    if size < OFF_LOOP_MIN_CHARS:
        return func(*args)
    return await asyncio.get_running_loop().run_in_executor(_off_loop, func, *args)


@lru_cache(maxsize=8)
def _introspection_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], float]:
    return introspection_list_sizes(schema)


def _refuse(context: ExecutionContext, error: GraphQLError) -> None:
    """Answer ``error`` without parsing: strawberry still wants a document to read the
    operation type from, so a stand-in takes the place of the refused one."""
    context.pre_execution_errors = [error]
    allowed = set(context.allowed_operations)
    kind = next(
        (t for t in (OperationType.QUERY, OperationType.MUTATION) if t in allowed),
        OperationType.SUBSCRIPTION,
    )
    name = context.operation_name or ""
    name = name if isinstance(name, str) and _NAME.fullmatch(name) else ""
    context.graphql_document = parse(f"{kind.value} {name} {{ __typename }}")
