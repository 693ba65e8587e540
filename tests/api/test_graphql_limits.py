"""Query limits on /graphql: every refusal is typed, fast, and comes before any resolver runs."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from graphql import get_introspection_query, parse
from starlette.applications import Starlette

from graph.state import AppState
from tests.support.client import ApiClient

PROTOCOL = "graphql-transport-ws"
MAX_BODY = 2 * 1024**2  # the defaults (graph/settings.py) the shared app runs with
TRACES_X_DETECTIONS = """query($s: ID!, $n: Int) { session(id: $s) { faceTraces(first: $n) {
  edges { node { detections(first: $n) { edges { node { frameNumber } } } } }
} } }"""


ADD_LABELS = "mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id } }"


@pytest.fixture
async def session(api: ApiClient) -> dict[str, Any]:
    """A session whose media never arrives: enough for labels."""
    data = await api.gql(
        'mutation { createSession(input: {url: "http://127.0.0.1:9/x.mp4"}) { id } }'
    )
    return dict(data["createSession"])


@pytest.fixture
def refused(api: ApiClient, state: AppState) -> Any:
    """``refused(query, **variables)``: the error code of a query that no resolver saw.

    Graph round trips are compared with those of ``{ __typename }`` (authentication only).
    """

    async def trips(query: str, **variables: Any) -> tuple[dict[str, Any], int]:
        before = state.graph.round_trips
        body = await api.gql_raw(query, **variables)
        return body, state.graph.round_trips - before

    async def check(query: str, **variables: Any) -> dict[str, Any]:
        await trips("{ __typename }")  # the key is looked up once, then cached
        _, baseline = await trips("{ __typename }")
        body, spent = await trips(query, **variables)
        assert body.get("data") is None and body.get("errors"), body
        assert spent == baseline, "a resolver ran"
        return dict(body["errors"][0])

    return check


async def label_count(api: ApiClient, session_id: str) -> int:
    data = await api.gql(
        "query($s: ID!) { session(id: $s) { labels { totalCount } } }", s=session_id
    )
    return int(data["session"]["labels"]["totalCount"])


async def test_a_body_over_the_limit_is_413_before_it_is_decoded(
    api: ApiClient, session: dict
) -> None:
    labels = [{"labelType": "note", "startTime": 0, "endTime": 1, "name": "x" * 100}] * 15_000
    variables = {"s": session["id"], "l": labels}
    payload = json.dumps({"query": ADD_LABELS, "variables": variables}).encode()
    assert len(payload) > MAX_BODY
    headers = {**api.headers, "content-type": "application/json"}
    started = time.perf_counter()
    declared = await api.http.post("/graphql", content=payload, headers=headers)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for start in range(0, len(payload), 64 * 1024):
            yield payload[start : start + 64 * 1024]

    streamed = await api.http.post("/graphql", content=chunks(), headers=headers)
    assert time.perf_counter() - started < 5
    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert await label_count(api, session["id"]) == 0


async def test_a_document_over_the_token_limit_is_refused(api: ApiClient, refused: Any) -> None:
    error = await refused("{" + " __typename" * 5_001 + " }")
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert "5000 tokens" in error["message"]
    assert await api.gql("{" + " __typename" * 300 + " }") == {"__typename": "Query"}


async def test_too_many_aliases_are_refused_before_any_resolver(
    api: ApiClient, refused: Any
) -> None:
    many = "{ " + " ".join(f"a{i}: sessions(first: 1) {{ totalCount }}" for i in range(31)) + " }"
    error = await refused(many)
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": 30}
    assert "31 aliases" in error["message"]
    assert len(await api.gql(many.replace(" a30: sessions(first: 1) { totalCount }", ""))) == 30


async def test_nested_pages_over_the_cost_limit_are_refused_before_any_resolver(
    api: ApiClient, session: dict, refused: Any
) -> None:
    for n in (1000, 250):  # n traces x n detections each
        error = await refused(TRACES_X_DETECTIONS, s=session["id"], n=n)
        assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": 50_000}
    fragments = (
        "query($s: ID!) { a: session(id: $s) { ...T } b: session(id: $s) { ...T } }"
        " fragment T on Session { faceTraces(first: 500) { edges { node { ...D } } } }"
        " fragment D on FaceTrace { detections(first: 500) { totalCount } }"
    )
    error = await refused(fragments, s=session["id"])
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    for small in ({"n": 10}, {}):  # the default pages, 100 x 100, are within the limit
        data = await api.gql(TRACES_X_DETECTIONS, s=session["id"], **small)
        assert data["session"]["faceTraces"]["edges"] == []


async def test_the_playground_introspection_and_a_full_label_page_pass(
    api: ApiClient, session: dict
) -> None:
    introspection = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    assert (await api.gql(introspection))["__schema"]["queryType"]["name"] == "Query"
    page = await api.gql(
        "query($s: ID!) { session(id: $s) { labels(first: 1000) { edges { node "
        "{ id labelType labelGroupId startTime endTime data videoBox pinned } } } } }",
        s=session["id"],
    )
    assert page["session"]["labels"]["edges"] == []


async def test_a_huge_label_list_is_refused_before_it_is_coerced(
    api: ApiClient, session: dict, refused: Any
) -> None:
    started = time.perf_counter()
    error = await refused(ADD_LABELS, s=session["id"], l=[{"labelType": "n"}] * 100_000)
    assert time.perf_counter() - started < 2
    assert error["extensions"] == {"code": "QUERY_TOO_LARGE", "limit": 10_000}
    one_too_many = [{"labelType": "note", "startTime": 0, "endTime": 1}] * 10_001
    error = await refused(ADD_LABELS, s=session["id"], l=one_too_many)
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert await label_count(api, session["id"]) == 0


async def test_healthz_answers_while_limit_sized_documents_are_parsed(
    api: ApiClient, http: httpx.AsyncClient
) -> None:
    # Comments cost the parser time but no tokens: each document is as long as the limit allows.
    document = "#" + "x" * (MAX_BODY - 4096) + "\n{ __typename }"
    body = json.dumps({"query": document}).encode()
    headers = {**api.headers, "content-type": "application/json"}
    parse_s = min(timed(parse, document) for _ in range(3))

    async def big() -> dict[str, Any]:
        response = await http.post("/graphql", content=body, headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def health_latency_s() -> float:
        started = time.perf_counter()
        response = await http.get("/healthz")
        assert response.status_code in (200, 503)
        return time.perf_counter() - started

    await health_latency_s()  # warm
    queries = [asyncio.create_task(big()) for _ in range(8)]
    latencies = []
    while not all(q.done() for q in queries):
        latencies.append(await health_latency_s())
    assert [await q for q in queries] == [{"data": {"__typename": "Query"}}] * 8
    # parsed on the event loop, one poll would wait for several of the eight parses
    assert max(latencies) < max(0.5, 4 * parse_s), (parse_s, latencies)


def timed(func: Any, *args: Any) -> float:
    started = time.perf_counter()
    func(*args)
    return time.perf_counter() - started


@pytest.fixture
async def ws_url(app: Starlette) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{sock.getsockname()[1]}/graphql"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_websocket_operations_and_messages_are_limited(api: ApiClient, ws_url: str) -> None:
    async with websockets.connect(ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"X-API-Key": api.key}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = "subscription {" + " __typename" * 5_001 + " }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
        await ws.send(json.dumps({"id": "2", "type": "ping", "payload": {"x": "y" * MAX_BODY}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
