"""What the API log says about failed GraphQL operations: codes and names, never arguments."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import strawberry
import uvicorn
from starlette.applications import Starlette

from api.access_log import ACCESS_LOGGER, omit_graphql_query_strings
from api.graphql.errors import TypedErrors
from api.graphql.schema import ReelgraphSchema
from tests.support.client import ApiClient

FORMAT = logging.Formatter("%(name)s %(levelname)s %(message)s")


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every record as a handler would write it, tracebacks included."""
    return "\n".join(FORMAT.format(record) for record in caplog.records)


async def test_a_failed_login_keeps_the_key_out_of_the_log(
    api: ApiClient, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    literal = f'mutation {{ login(apiKey: "{api.key}", ttlSeconds: 0) {{ token }} }}'
    response = await http.post("/graphql", json={"query": literal})
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_TTL"
    variables = "mutation Login($k: String!) { login(apiKey: $k, ttlSeconds: 0) { token } }"
    response = await http.post("/graphql", json={"query": variables, "variables": {"k": api.key}})
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_TTL"
    invalid = f'mutation {{ login(apiKey: "{api.key}", ttlSeconds: "zero") {{ token }} }}'
    response = await http.post("/graphql", json={"query": invalid})
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    text = logged_text(caplog)
    assert api.key not in text
    assert api.key.removeprefix("rg_")[:12] not in text
    assert "graphql mutation Login failed at login: INVALID_TTL" in text


async def test_expected_errors_are_logged_at_info_without_a_traceback(
    api: ApiClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    error = await api.gql_error('mutation { deleteSession(id: "no-such-session") }')
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"
    error = await api.gql_error("{ noSuchField }")
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [r for r in caplog.records if r.exc_info or r.exc_text] == []
    text = logged_text(caplog)
    assert "failed at deleteSession: SESSION_NOT_FOUND" in text
    assert "no-such-session" not in text and "noSuchField" not in text


def test_unexpected_errors_are_logged_with_a_traceback_but_no_arguments(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @strawberry.type
    class Query:
        @strawberry.field
        def boom(self, secret: str) -> int:
            raise RuntimeError("internal state")

    schema = ReelgraphSchema(query=Query, extensions=[TypedErrors])
    caplog.set_level(logging.DEBUG)
    result = schema.execute_sync('query Boom { boom(secret: "hunter2-literal") }')
    assert result.errors and result.errors[0].message == "Unexpected error."
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    text = logged_text(caplog)
    assert "RuntimeError: internal state" in text  # the traceback
    assert "graphql query Boom failed at boom: unexpected RuntimeError" in text
    assert "hunter2-literal" not in text


@pytest.fixture
def access_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """uvicorn's access log (it does not propagate to the root logger)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


@pytest.fixture
async def server_url(app: Starlette) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="info"))
    omit_graphql_query_strings()  # as api.server does once uvicorn has configured logging
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_the_access_log_omits_graphql_query_strings(
    api: ApiClient, server_url: str, access_log: pytest.LogCaptureFixture
) -> None:
    access_log.set_level(logging.INFO, logger=ACCESS_LOGGER)
    query = f'mutation {{ login(apiKey: "{api.key}") {{ token }} }}'
    async with httpx.AsyncClient(base_url=server_url) as client:
        await client.get("/graphql", params={"query": query})
        await client.get("/healthz", params={"probe": "kept"})
    lines = [r.getMessage() for r in access_log.records if r.name == ACCESS_LOGGER]
    assert any('"GET /graphql?[query omitted] HTTP/1.1" 401' in line for line in lines), lines
    assert any("/healthz?probe=kept" in line for line in lines), lines
    assert api.key not in logged_text(access_log)
