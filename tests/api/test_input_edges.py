"""Hostile input at the edge: every malformed value is a typed 4xx, never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from api.json_limits import MAX_JSON_DEPTH
from tests.support.client import ApiClient
from tests.support.media import MediaFactory

SESSION = "query($id: ID!) { session(id: $id) { id } }"
ADD = "mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id } }"
TAGS = "mutation($s: ID!, $t: JSON!) { setSessionTags(sessionId: $s, tags: $t) { id } }"


def assert_rest_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body["success"] is False, body
    if code is not None:
        assert body["error"]["code"] == code, body


@pytest.mark.parametrize(
    "query",
    [
        "frame=²",  # str.isdigit() accepts superscripts, int() does not
        "frame=\u0661",  # Arabic-Indic digit one: int() reads it, but it is no ASCII number
        "frame=+1",
        "frame= 1",
        "frame=99999999999",
        "x=²&y=0&w=10&h=10",
        "x=0&y=0&w=10&h=99999999999",
    ],
)
async def test_thumbnail_integer_params(
    api: ApiClient, ready_session: dict[str, Any], query: str
) -> None:
    response = await api.http.get(
        f"/api/v1/file/{ready_session['id']}/thumbnail?{query}", headers=api.headers
    )
    assert_rest_error(response, 400)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("video", "start_frame=²"),
        ("video", "end_frame=³"),
        ("clip", "start_frame=²&end_frame=5"),
        ("clip", "start_time=0&end_time=1e308"),
        ("clip", "start_frame=0&end_frame=5&fps=1e-300"),
        ("video/bbox", "start_frame=¹"),
        ("trace/²/thumbnail", ""),
        ("trace/99999999999999999999/video", ""),
        ("stranger/²/thumbnail", ""),
        ("stranger/\u0663/representative-face", ""),
    ],
)
async def test_every_rest_number_is_parsed_strictly(
    api: ApiClient, ready_session: dict[str, Any], path: str, query: str
) -> None:
    response = await api.http.get(
        f"/api/v1/file/{ready_session['id']}/{path}?{query}", headers=api.headers
    )
    assert_rest_error(response, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/file/ab%00cd/thumbnail",
        "/api/v1/file/ab%00cd/video",
        "/api/v1/file/{sid}/chunk/c%00/thumbnail",
        "/api/v1/label/l%00/keyframe/start",
        "/api/v1/file/{sid}/thumbnail?frame=1&extra=a%00b",
        "/api/v1/files?filename=a%00.mp4",
    ],
)
async def test_nul_in_rest_paths_and_params(
    api: ApiClient, ready_session: dict[str, Any], path: str
) -> None:
    url = path.format(sid=ready_session["id"])
    method = api.http.post if url.startswith("/api/v1/files") else api.http.get
    response = await method(url, headers=api.headers)
    assert_rest_error(response, 400, "INVALID_STRING")


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b", "\udfff"])
async def test_nul_and_lone_surrogates_in_graphql_variables(
    api: ApiClient, ready_session: dict[str, Any], bad: str
) -> None:
    sid = ready_session["id"]
    label = {"labelType": "user", "startTime": 0, "endTime": 1}
    cases: list[tuple[str, dict[str, Any]]] = [
        (SESSION, {"id": bad}),
        (ADD, {"s": sid, "l": [{**label, "name": bad}]}),
        (ADD, {"s": sid, "l": [{**label, "data": {"note": [1, {"deep": bad}]}}]}),
        (ADD, {"s": sid, "l": [{**label, "data": {bad: 1}}]}),
        (TAGS, {"s": sid, "t": {"k": bad}}),
    ]
    for query, variables in cases:
        # json.dumps escapes a lone surrogate as \ud800: valid JSON text, invalid Unicode
        response = await api.http.post(
            "/graphql",
            content=json.dumps({"query": query, "variables": variables}),
            headers={**api.headers, "content-type": "application/json"},
        )
        assert response.status_code == 200, response.text
        errors = response.json()["errors"]
        assert errors[0]["extensions"]["code"] == "INVALID_STRING", (variables, errors)
    labels = await api.gql("query($id: ID!) { session(id: $id) { labels { totalCount } } }", id=sid)
    assert labels["session"]["labels"]["totalCount"] == 0


async def test_nul_in_graphql_literals(api: ApiClient, ready_session: dict[str, Any]) -> None:
    sid = ready_session["id"]
    for query in (
        '{ session(id: "a\\u0000b") { id } }',
        f'mutation {{ setSessionTags(sessionId: "{sid}", tags: {{k: "x\\u0000"}}) {{ id }} }}',
    ):
        error = await api.gql_error(query)
        assert error["extensions"]["code"] == "INVALID_STRING", error


async def test_nul_over_graphql_get(api: ApiClient) -> None:
    response = await api.http.get(
        "/graphql",
        params={"query": SESSION, "variables": json.dumps({"id": "a\x00"})},
        headers=api.headers,
    )
    assert response.status_code in (200, 400), response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_STRING"


async def test_debug_video_needs_a_ready_video_session(
    api: ApiClient, media: MediaFactory, run_worker: Any
) -> None:
    pending = await api.create_session_from_file(media.sample_video())
    response = await api.http.get(
        f"/api/v1/file/{pending['id']}/video?mode=debug", headers=api.headers
    )
    assert_rest_error(response, 409, "NOT_READY")

    failed = await api.create_session_from_file(media.text_file())
    audio = await api.create_session_from_file(media.tone_audio())
    await run_worker()
    assert (await api.session(failed["id"]))["status"] == "ERROR"
    response = await api.http.get(
        f"/api/v1/file/{failed['id']}/video?mode=debug", headers=api.headers
    )
    assert_rest_error(response, 409, "NOT_READY")
    assert (await api.session(audio["id"]))["status"] == "READY"
    response = await api.http.get(
        f"/api/v1/file/{audio['id']}/video?mode=debug", headers=api.headers
    )
    assert_rest_error(response, 400, "NO_VIDEO")


@pytest.mark.parametrize(
    ("start", "end"),
    [(0, 1e308), (0, 1e10 + 1), ("0", "1e305"), (0, "1e8")],
)
async def test_label_times_are_bounded(
    api: ApiClient, ready_session: dict[str, Any], start: Any, end: Any
) -> None:
    error = await api.gql_error(
        ADD, s=ready_session["id"], l=[{"labelType": "user", "startTime": start, "endTime": end}]
    )
    assert error["extensions"]["code"] == "INVALID_TIME", error


async def test_label_time_at_the_bound_is_accepted(
    api: ApiClient, http: httpx.AsyncClient, ready_session: dict[str, Any]
) -> None:
    added = await api.add_labels(
        ready_session["id"], [{"labelType": "user", "startTime": 0, "endTime": 1e10}]
    )
    keyframe = await http.get(f"/api/v1/label/{added[0]['id']}/keyframe/end", headers=api.headers)
    assert keyframe.status_code == 200, keyframe.text
    assert keyframe.headers["content-type"] == "image/jpeg"


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "body",
    [
        _nested(1000),
        '{"query": "{ __typename }", "variables": {"a": ' + _nested(1000) + "}}",
        '{"query": "{ __typename }", "variables": {"a": ' + _nested(MAX_JSON_DEPTH + 1) + "}}",
    ],
)
async def test_deeply_nested_json_bodies(
    api: ApiClient, http: httpx.AsyncClient, body: str
) -> None:
    json_type = {"content-type": "application/json"}
    without_key = await http.post("/graphql", content=body, headers=json_type)
    assert without_key.status_code in (400, 401), without_key.text
    assert without_key.json()["errors"][0]["extensions"]["code"] in (
        "JSON_TOO_DEEP",
        "UNAUTHENTICATED",
    )
    with_key = await http.post("/graphql", content=body, headers={**api.headers, **json_type})
    assert with_key.status_code == 400, with_key.text
    assert with_key.json()["errors"][0]["extensions"]["code"] == "JSON_TOO_DEEP"


async def test_json_within_the_depth_limit_is_accepted(
    api: ApiClient, ready_session: dict[str, Any]
) -> None:
    nested: Any = 1
    for _ in range(MAX_JSON_DEPTH - 4):  # body, variables and tags add four levels
        nested = [nested]
    data = await api.gql(TAGS, s=ready_session["id"], t={"k": nested})
    assert data["setSessionTags"]["id"] == ready_session["id"]
