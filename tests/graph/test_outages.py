"""Store outages: each driver's connection failures become one typed error naming the store."""

from __future__ import annotations

import asyncpg
import pytest
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired, TransientError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graph.errors import ErrorCode
from graph.outages import StoreUnavailable, store_outage


def _neo4j(kind: type[Exception], code: str) -> Exception:
    error = kind(f"{code}: nope")
    error._neo4j_code = code  # type: ignore[attr-defined]  # set by the driver from the server
    return error


@pytest.mark.parametrize(
    ("exc", "component"),
    [
        (asyncpg.ConnectionDoesNotExistError("closed in the middle of operation"), "postgres"),
        (asyncpg.AdminShutdownError("terminating connection"), "postgres"),
        (asyncpg.CannotConnectNowError("the database system is starting up"), "postgres"),
        (StoreUnavailable("postgres"), "postgres"),
        (ServiceUnavailable("Couldn't connect to 127.0.0.1:7687"), "graph"),
        (SessionExpired("defunct connection"), "graph"),
        (RedisConnectionError("Error 111 connecting"), "redis"),
        (RedisTimeoutError("Timeout reading from socket"), "redis"),
    ],
)
def test_a_drivers_connection_failure_names_its_store(exc: Exception, component: str) -> None:
    outage = store_outage(exc)
    assert outage is not None and outage.component == component
    assert outage.code is ErrorCode.STORE_UNAVAILABLE and outage.status == 503
    assert outage.details == {"component": component}
    assert "unavailable" in outage.message


def test_a_failure_raised_from_an_outage_is_one_too() -> None:
    try:
        try:
            raise asyncpg.AdminShutdownError("terminating connection")
        except asyncpg.AdminShutdownError as exc:
            raise RuntimeError("while saving a chunk") from exc
    except RuntimeError as wrapped:
        outage = store_outage(wrapped)
    assert outage is not None and outage.component == "postgres"


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad input"),
        OSError("no such file"),  # media on disk, not a store
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
        ResponseError("WRONGTYPE"),
        _neo4j(ClientError, "Neo.ClientError.Statement.SyntaxError"),
        _neo4j(TransientError, "Neo.TransientError.Transaction.DeadlockDetected"),
    ],
)
def test_other_failures_are_not_outages(exc: Exception) -> None:
    assert store_outage(exc) is None


def test_neo4j_reporting_its_database_unavailable_is_an_outage() -> None:
    exc = _neo4j(TransientError, "Neo.TransientError.General.DatabaseUnavailable")
    outage = store_outage(exc)
    assert outage is not None and outage.component == "graph"
