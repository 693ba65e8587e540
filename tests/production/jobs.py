"""Jobs on the production shape: waiting for results, and counting what the stores hold."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from neo4j import AsyncGraphDatabase

from tests.production.shape import Shape
from tests.support.analyses import analysis_view, series_points
from tests.support.client import ApiClient
from tests.support.face_api import session_faces, snapshot, upload_session
from tests.support.face_media import APPEARANCES

T = TypeVar("T")
FACE_TRACE = "face-trace"
RETRACE = "mutation($s: ID!) { retraceFaces(sessionId: $s) { state } }"
SESSIONS = "query { sessions(first: 100) { edges { node { id name status } } } }"
LABELS = """
query($id: ID!) { session(id: $id) { labels(first: 100) { edges { node {
  id labelType labelGroupId startTime endTime data } } } } }
"""


async def eventually(
    read: Callable[[], Awaitable[T]], done: Callable[[T], bool], what: str, timeout_s: float
) -> T:
    """``read()`` until ``done`` holds for its answer; the last answer in the failure."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = await read()
        if done(answer):
            return answer
        assert time.monotonic() < deadline, f"{what} within {timeout_s:g} s; last: {answer}"
        await asyncio.sleep(0.25)


def states(session: dict[str, Any]) -> dict[str, str]:
    return {a["key"]: a["state"] for a in session["analyses"]}


async def traced(api: ApiClient, session_id: str, timeout_s: float = 150) -> dict[str, Any]:
    """The session's faces once its face trace is DONE."""
    return await eventually(
        lambda: session_faces(api, session_id),
        lambda s: states(s).get(FACE_TRACE) == "DONE",
        f"face trace of {session_id} done",
        timeout_s,
    )


async def analysed(
    api: ApiClient, session_id: str, keys: set[str], timeout_s: float = 120
) -> dict[str, Any]:
    """The session's analysis view once every analysis of ``keys`` is DONE."""
    return await eventually(
        lambda: analysis_view(api, session_id),
        lambda v: all(v["analyses"].get(k, {}).get("state") == "DONE" for k in keys),
        f"analyses {sorted(keys)} of {session_id} done",
        timeout_s,
    )


@dataclass(frozen=True)
class Reference:
    """The faces video traced without a fault."""

    session_id: str
    faces: dict[str, Any]  # tests/support/face_api.snapshot
    detections: int  # face_detections rows


async def trace_reference(api: ApiClient, shape: Shape, video: Path) -> Reference:
    session_id = await upload_session(api, video)
    faces = snapshot(await traced(api, session_id))
    assert len(faces["traces"]) == len(APPEARANCES), faces
    counts = await store_counts(shape, session_id)
    return Reference(session_id, faces, counts["face_detections"])


async def store_counts(shape: Shape, session_id: str) -> dict[str, Any]:
    """Rows and graph elements of one session, each beside its count of distinct keys."""
    conn = await asyncpg.connect(shape.postgres.url)
    try:
        detections = await conn.fetchval(
            "SELECT count(*) FROM face_detections WHERE session_id = $1", session_id
        )
        points = await conn.fetchrow(
            "SELECT count(*) AS n, count(DISTINCT (source_id, key, t_ms)) AS d "
            "FROM ts_points WHERE session_id = $1",
            session_id,
        )
    finally:
        await conn.close()
    assert points is not None and shape.neo4j is not None
    auth = (shape.neo4j.user, shape.neo4j.password)
    async with AsyncGraphDatabase.driver(shape.neo4j.uri, auth=auth) as driver:
        graph = {}
        for name, query in _GRAPH_COUNTS.items():
            records, _, _ = await driver.execute_query(query, s=session_id)
            graph[name] = (records[0]["n"], records[0]["d"])
        people, _, _ = await driver.execute_query(_PEOPLE_PER_TRACE, s=session_id)
    return {
        "face_detections": detections,
        "ts_points": (points["n"], points["d"]),
        **graph,
        "people_per_trace": sorted({r["people"] for r in people}),
    }


# (count, count of distinct keys) per kind of node or edge of a session
_GRAPH_COUNTS = {
    "sessions": "MATCH (s:Session {id: $s}) RETURN count(s) AS n, count(DISTINCT s.id) AS d",
    "labels": "MATCH (l:Label)-[:ON]->(:Session {id: $s}) "
    "RETURN count(l) AS n, count(DISTINCT l.id) AS d",
    "analyses": "MATCH (a:Analysis)-[:OF]->(:Session {id: $s}) "
    "RETURN count(a) AS n, count(DISTINCT a.key) AS d",
    "traces": "MATCH (t:FaceTrace {session_id: $s}) "
    "RETURN count(t) AS n, count(DISTINCT t.trace_id) AS d",
    "co_occurrences": "MATCH (a:FaceTrace {session_id: $s})-[c:CO_OCCURS_WITH]->(b) "
    "RETURN count(c) AS n, count(DISTINCT a.id + '>' + b.id) AS d",
}
# every trace is identified as someone or part of one stranger, once
_PEOPLE_PER_TRACE = """
MATCH (t:FaceTrace {session_id: $s})
OPTIONAL MATCH (t)-[r:IDENTIFIED_AS|PART_OF]->()
RETURN t.trace_id AS trace, count(r) AS people
"""


def assert_no_duplicates(counts: dict[str, Any]) -> None:
    """Each node, edge and series point exists once."""
    for name in ("ts_points", *_GRAPH_COUNTS):
        total, distinct = counts[name]
        assert total == distinct, f"{name}: {total} rows for {distinct} keys"
    assert counts["sessions"] == (1, 1)
    assert counts["people_per_trace"] in ([], [1]), counts


async def everything_written(api: ApiClient) -> dict[str, Any]:
    """Every session of the org with its labels: what no fault may lose."""
    sessions = [e["node"] for e in (await api.gql(SESSIONS))["sessions"]["edges"]]
    found = {}
    for session in sessions:
        edges = (await api.gql(LABELS, id=session["id"]))["session"]["labels"]["edges"]
        labels = sorted((e["node"] for e in edges), key=lambda lab: lab["id"])
        found[session["id"]] = {"name": session["name"], "labels": labels}
    return found


async def brightness_points(api: ApiClient, session_id: str) -> list[dict[str, Any]]:
    return await series_points(api, session_id, "brightness")
