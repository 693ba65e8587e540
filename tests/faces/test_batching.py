"""Lists of sessions and identities cost the same graph round trips for one item as for many.

Each list field below reads through a per-request DataLoader, so a page of N objects sends one
statement per field, not one per object: the graph store's ``round_trips`` counter shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.state import AppState
from tests.support import face_media
from tests.support.client import ApiClient
from tests.support.face_api import create_identity, session_faces, upload_session

pytestmark = pytest.mark.timeout(300)

SESSION_STRANGERS = """
query($first: Int!) { sessions(first: $first) { edges { node { id
  strangers { strangerId faceCount traces { traceId } representativeFace { frameNumber } }
} } } }
"""
IDENTITY_CO_OCCURS = """
query($first: Int!) { identities(first: $first) { id name
  coOccursWith { identity { id name } sessions totalFrames mutualGaze } } }
"""


async def _trips(api: ApiClient, state: AppState, query: str, first: int) -> tuple[int, Any]:
    """Graph round trips of one request, and its data (after the same request once, so that
    what the first request of a client reads, such as its API key, is not counted)."""
    await api.gql(query, first=first)
    before = state.graph.round_trips
    data = await api.gql(query, first=first)
    return state.graph.round_trips - before, data


async def test_session_strangers_are_batched_across_sessions(
    api: ApiClient, run_face_worker: Any, faces_video: Path, state: AppState
) -> None:
    """``Session.strangers`` of a page of sessions: one statement for all of them."""
    for _ in range(2):
        await upload_session(api, faces_video)
    await run_face_worker()
    one, _ = await _trips(api, state, SESSION_STRANGERS, 1)
    many, data = await _trips(api, state, SESSION_STRANGERS, 2)
    sessions = [e["node"] for e in data["sessions"]["edges"]]
    assert len(sessions) == 2
    assert all(s["strangers"] for s in sessions), sessions
    single = (await session_faces(api, sessions[-1]["id"]))["strangers"]
    assert [(s["strangerId"], s["faceCount"]) for s in sessions[-1]["strangers"]] == [
        (s["strangerId"], s["faceCount"]) for s in single
    ]
    assert one == many, (one, many)


async def test_identity_co_occurs_with_is_batched_across_identities(
    api: ApiClient,
    run_face_worker: Any,
    faces_video: Path,
    face_media_root: Path,
    state: AppState,
) -> None:
    """``Identity.coOccursWith`` of a list of identities: one statement for all of them."""
    await create_identity(api, "Eileen Collins", [face_media.gallery_image(face_media_root)])
    session_id = await upload_session(api, faces_video)
    await run_face_worker()
    for stranger in (await session_faces(api, session_id))["strangers"]:
        await api.gql(
            "mutation($s: ID!, $n: Int!, $i: IdentityInput!) { promoteStranger(sessionId: $s, "
            "strangerId: $n, input: $i) { id } }",
            s=session_id,
            n=stranger["strangerId"],
            i={"name": f"Person {stranger['strangerId']}"},
        )
    one, first = await _trips(api, state, IDENTITY_CO_OCCURS, 1)
    many, data = await _trips(api, state, IDENTITY_CO_OCCURS, 50)
    identities = data["identities"]
    assert len(identities) >= 3, identities
    assert first["identities"][0]["coOccursWith"], "the first identity shares the screen"
    assert first["identities"] == identities[:1]
    # each pair is seen from both of its identities, with the same figures
    seen = {
        (i["id"], c["identity"]["id"]): (c["sessions"], c["totalFrames"], c["mutualGaze"])
        for i in identities
        for c in i["coOccursWith"]
    }
    assert seen and all(seen[(b, a)] == figures for (a, b), figures in seen.items()), seen
    assert one == many, (one, many)
