"""Identities across sessions, corrections by a person, and the identity graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import face_media
from tests.support.client import ApiClient
from tests.support.face_api import create_identity, session_faces, traces_of, upload_session

pytestmark = pytest.mark.timeout(300)

IDENTITY = """
query($id: ID!) { identity(id: $id) { id name source faceCount
  sessions { id } traces { sessionId traceId }
  coOccursWith { identity { name } sessions totalFrames mutualGaze } } }
"""


def _trace_at(traces: list[dict[str, Any]], first_frame: int, left: bool) -> dict[str, Any]:
    found = [t for t in traces if abs(t["startFrame"] - first_frame) <= 3]
    found.sort(key=lambda t: t["representativeFace"]["bbox"]["x"])
    return found[0] if left else found[-1]


async def test_corrections_and_identity_queries(
    api: ApiClient,
    other_api: ApiClient,
    run_face_worker: Any,
    faces_video: Path,
    face_media_root: Path,
) -> None:
    collins = (
        await create_identity(api, "Eileen Collins", [face_media.gallery_image(face_media_root)])
    )["data"]["createIdentity"]
    session_id = await upload_session(api, faces_video)
    await run_face_worker()
    traces = traces_of(await session_faces(api, session_id))
    hopper_trace = _trace_at(traces, 75, left=False)
    hopper_stranger = hopper_trace["stranger"]["strangerId"]

    # promoteStranger: Hopper becomes an identity, her trace follows, the stranger goes
    promoted = await api.gql(
        "mutation($s: ID!, $n: Int!, $i: IdentityInput!) { promoteStranger(sessionId: $s, "
        "strangerId: $n, input: $i) { id name source } }",
        s=session_id,
        n=hopper_stranger,
        i={"name": "Grace Hopper", "source": "tmdb"},
    )
    hopper = promoted["promoteStranger"]
    assert hopper["source"] == "tmdb"
    session = await session_faces(api, session_id)
    assert hopper_stranger not in [s["strangerId"] for s in session["strangers"]]
    assert len(session["strangers"]) == 2
    names = sorted(i["identity"]["name"] for i in session["identities"])
    assert names == ["Eileen Collins", "Grace Hopper"]

    # who appears with whom: the identity pair, the co-occurrence, the graph, the path
    data = await api.gql(IDENTITY, id=collins["id"])
    identity = data["identity"]
    assert identity["sessions"] == [{"id": session_id}]
    assert len(identity["traces"]) == 2
    assert identity["coOccursWith"][0]["identity"]["name"] == "Grace Hopper"
    assert identity["coOccursWith"][0]["sessions"] == 1
    assert identity["coOccursWith"][0]["mutualGaze"] is False
    co = await api.gql(
        "query($s: ID!, $a: ID!, $b: ID!) { coOccurrence(sessionId: $s, identityA: $a, "
        "identityB: $b) { identityA { name } identityB { name } firstFrame timestampSecs "
        "totalCooccurrenceFrames representativeFaceA { frameNumber thumbnailUrl } "
        "representativeFaceB { frameNumber thumbnailUrl } } }",
        s=session_id,
        a=collins["id"],
        b=hopper["id"],
    )
    pair = co["coOccurrence"]
    pair_names = (pair["identityA"]["name"], pair["identityB"]["name"])
    assert pair_names == ("Eileen Collins", "Grace Hopper")
    assert abs(pair["firstFrame"] - 75) <= 3
    assert pair["timestampSecs"] == pytest.approx(pair["firstFrame"] / 25, abs=0.001)
    assert pair["totalCooccurrenceFrames"] >= 70
    assert pair["representativeFaceB"]["thumbnailUrl"].endswith(
        f"/trace/{hopper_trace['traceId']}/thumbnail"
    )
    graph = await api.gql(
        "query($s: ID) { identityGraph(sessionId: $s) { nodes { name } "
        "edges { a b totalFrames sessions mutualGaze } } }",
        s=session_id,
    )
    assert sorted(n["name"] for n in graph["identityGraph"]["nodes"]) == names
    (edge,) = graph["identityGraph"]["edges"]
    assert {edge["a"], edge["b"]} == {collins["id"], hopper["id"]}
    assert edge["totalFrames"] == pair["totalCooccurrenceFrames"]
    too_rare = await api.gql("query { identityGraph(minFrames: 100000) { edges { a } } }")
    assert too_rare["identityGraph"]["edges"] == []
    path = await api.gql(
        "query($a: ID!, $b: ID!) { coOccurrencePath(identityA: $a, identityB: $b) { name } }",
        a=collins["id"],
        b=hopper["id"],
    )
    assert path["coOccurrencePath"] == [{"name": "Eileen Collins"}, {"name": "Grace Hopper"}]

    # the carphone strangers: promote both, then merge them into one person
    session = await session_faces(api, session_id)
    first, second = sorted(s["strangerId"] for s in session["strangers"])
    made = []
    for number, name in ((first, "Carphone man"), (second, "Carphone mirror")):
        result = await api.gql(
            "mutation($s: ID!, $n: Int!, $i: IdentityInput!) { promoteStranger(sessionId: $s, "
            "strangerId: $n, input: $i) { id } }",
            s=session_id,
            n=number,
            i={"name": name},
        )
        made.append(result["promoteStranger"]["id"])
    nobody = await api.gql(
        "query($a: ID!, $b: ID!) { coOccurrencePath(identityA: $a, identityB: $b) { name } }",
        a=collins["id"],
        b=made[0],
    )
    assert nobody["coOccurrencePath"] is None
    merged = await api.gql(
        "mutation($k: ID!, $m: ID!) { mergeIdentities(keep: $k, merge: $m) { id name } }",
        k=made[0],
        m=made[1],
    )
    assert merged["mergeIdentities"] == {"id": made[0], "name": "Carphone man"}
    assert (await api.gql(IDENTITY, id=made[1]))["identity"] is None
    car = (await api.gql(IDENTITY, id=made[0]))["identity"]
    assert len(car["traces"]) == 4
    assert car["faceCount"] == sum(t["faceCount"] for t in traces if t["startFrame"] >= 175 - 3)

    # assignTrace: a person says Hopper's trace is Collins, then that it is nobody
    assign = (
        "mutation($s: ID!, $t: Int!, $i: ID) { assignTrace(sessionId: $s, traceId: $t, "
        "identityId: $i) { traceId identity { name } identitySimilarity } }"
    )
    fixed = await api.gql(assign, s=session_id, t=hopper_trace["traceId"], i=collins["id"])
    assert fixed["assignTrace"]["identity"] == {"name": "Eileen Collins"}
    assert fixed["assignTrace"]["identitySimilarity"] == 1.0
    cleared = await api.gql(assign, s=session_id, t=hopper_trace["traceId"], i=None)
    assert cleared["assignTrace"]["identity"] is None
    # the re-match queued by the gallery changes keeps the manual decisions
    await run_face_worker()
    again = await api.gql(
        "query($s: ID!, $t: Int!) { faceTrace(sessionId: $s, traceId: $t) { identity { name } } }",
        s=session_id,
        t=hopper_trace["traceId"],
    )
    assert again["faceTrace"]["identity"] is None

    # identities are the org's own: another org sees none of it
    assert (await other_api.gql(IDENTITY, id=collins["id"]))["identity"] is None
    error = await other_api.gql_error(
        "query($s: ID!) { faceTrace(sessionId: $s, traceId: 1) { traceId } }", s=session_id
    )
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"
    listed = await api.gql('query { identities(name: "carphone") { name } }')
    assert listed["identities"] == [{"name": "Carphone man"}]
    page = await api.gql("query { identities(first: 1) { id name } }")
    after = page["identities"][0]["id"]
    rest = await api.gql("query($a: String) { identities(after: $a) { name } }", a=after)
    assert [i["name"] for i in rest["identities"]] == ["Eileen Collins", "Grace Hopper"]


async def test_identity_created_after_tracing_is_matched(
    api: ApiClient, run_face_worker: Any, faces_video: Path, face_media_root: Path
) -> None:
    """A new gallery identity re-matches sessions traced before it existed."""
    session_id = await upload_session(api, faces_video)
    await run_face_worker()
    before = await session_faces(api, session_id)
    assert before["identities"] == [] and len(before["strangers"]) == 4
    await create_identity(api, "Eileen Collins", [face_media.gallery_image(face_media_root)])
    await run_face_worker()
    after = await session_faces(api, session_id)
    assert [i["identity"]["name"] for i in after["identities"]] == ["Eileen Collins"]
    assert len(after["identities"][0]["traces"]) == 2
    assert len(after["strangers"]) == 3


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"input": {"name": "  "}}, "INVALID_NAME"),
        ({"input": {"name": "X", "source": "netflix"}}, "INVALID_SOURCE"),
        ({"input": {"name": "X", "profileImageUrl": "file:///etc/passwd"}}, "INVALID_URL"),
    ],
)
async def test_create_identity_rejects_bad_input(
    api: ApiClient, variables: dict[str, Any], code: str
) -> None:
    error = await api.gql_error(
        "mutation($input: IdentityInput!) { createIdentity(input: $input) { id } }", **variables
    )
    assert error["extensions"]["code"] == code
    assert (await api.gql("query { identities { id } }"))["identities"] == []


async def test_create_identity_rejects_images_without_faces(api: ApiClient, tmp_path: Path) -> None:
    import cv2
    import numpy as np

    not_image = tmp_path / "notes.jpg"
    not_image.write_text("not an image")
    faceless = tmp_path / "grey.jpg"
    cv2.imwrite(str(faceless), np.full((200, 200, 3), 128, np.uint8))
    for path, words in ((not_image, "not a readable image"), (faceless, "no detectable face")):
        body = await create_identity(api, "Nobody", [path])
        error = body["errors"][0]
        assert error["extensions"]["code"] == "INVALID_IMAGE"
        assert words in error["message"]
    # all or nothing: no identity was written
    assert (await api.gql("query { identities { id } }"))["identities"] == []


async def test_face_mutations_validate_their_targets(
    api: ApiClient, ready_session: dict[str, Any]
) -> None:
    session_id = ready_session["id"]
    cases = [
        ('mutation { retraceFaces(sessionId: "nope") { key } }', "SESSION_NOT_FOUND"),
        (
            f'mutation {{ assignTrace(sessionId: "{session_id}", traceId: 7) {{ traceId }} }}',
            "TRACE_NOT_FOUND",
        ),
        (
            f'mutation {{ promoteStranger(sessionId: "{session_id}", strangerId: 1, '
            'input: {name: "X"}) { id } }',
            "STRANGER_NOT_FOUND",
        ),
        ('mutation { mergeIdentities(keep: "a", merge: "a") { id } }', "SAME_IDENTITY"),
        ('mutation { mergeIdentities(keep: "a", merge: "b") { id } }', "IDENTITY_NOT_FOUND"),
        (
            'query { coOccurrencePath(identityA: "a", identityB: "b", maxHops: 0) { id } }',
            "INVALID_MAX_HOPS",
        ),
        ("query { identityGraph(minFrames: 0) { edges { a } } }", "INVALID_MIN_FRAMES"),
    ]
    for query, code in cases:
        error = await api.gql_error(query)
        assert error["extensions"]["code"] == code, (query, error)
