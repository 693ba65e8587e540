"""A store's outage as one typed error: driver connection failures name the store that failed.

The drivers report a server that is down or restarting in their own exception types; the API
answers any of them with ``STORE_UNAVAILABLE`` (503) naming the component instead of a masked
500, and the next request finds the server again (every pool reconnects by itself).
"""

from __future__ import annotations

import asyncpg
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graph.errors import ErrorCode, StackError

COMPONENTS = {"graph": "the graph store", "postgres": "PostgreSQL", "redis": "Redis"}
# A connection that broke, a server shutting down or not accepting connections yet.
_POSTGRES_DOWN: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
)
_NEO4J_DOWN: tuple[type[BaseException], ...] = (ServiceUnavailable, SessionExpired)
_NEO4J_DOWN_CODES = frozenset({"Neo.TransientError.General.DatabaseUnavailable"})
_REDIS_DOWN: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError)


class StoreUnavailable(StackError):
    """A store is unreachable for now; ``component`` is ``graph``, ``postgres`` or ``redis``."""

    code = ErrorCode.STORE_UNAVAILABLE

    def __init__(self, component: str) -> None:
        super().__init__(
            f"{COMPONENTS[component]} is unavailable; try again shortly", component=component
        )
        self.component = component


def _component(exc: BaseException) -> str | None:
    if isinstance(exc, StoreUnavailable):
        return exc.component
    if isinstance(exc, _POSTGRES_DOWN):
        return "postgres"
    if isinstance(exc, _NEO4J_DOWN):
        return "graph"
    if isinstance(exc, Neo4jError) and exc.code in _NEO4J_DOWN_CODES:
        return "graph"
    if isinstance(exc, _REDIS_DOWN):
        return "redis"
    return None


def store_outage(exc: BaseException) -> StoreUnavailable | None:
    """The typed error for ``exc`` (or an exception it was raised from) when a store's
    outage caused it; None for anything else."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        component = _component(current)
        if component is not None:
            return current if isinstance(current, StoreUnavailable) else StoreUnavailable(component)
        current = current.__cause__ or current.__context__
    return None
