"""uvicorn's access log without the query string of ``/graphql`` requests.

A GraphQL GET carries its whole operation in the query string, arguments included
(``login(apiKey: "...")``), and uvicorn logs the path with it; the other routes' query
strings (frame numbers, ranges) stay in the log.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"
GRAPHQL_PATH = "/graphql"


class GraphQLQueryStringFilter(logging.Filter):
    """Rewrites uvicorn's ``%s - "%s %s HTTP/%s" %d`` record: ``/graphql?…`` loses its query."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, query_separator, _ = args[2].partition("?")
            if query_separator and path.rstrip("/") == GRAPHQL_PATH:
                record.args = (*args[:2], f"{path}?[query omitted]", *args[3:])
        return True


def omit_graphql_query_strings() -> None:
    """Install the filter on uvicorn's access logger (once; after uvicorn set up logging)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, GraphQLQueryStringFilter) for f in logger.filters):
        logger.addFilter(GraphQLQueryStringFilter())
