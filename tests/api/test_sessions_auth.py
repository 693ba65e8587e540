"""Sessions over GraphQL, uploads, auth (API keys, JWT) and org isolation on GraphQL and REST."""

from __future__ import annotations

from typing import Any

import httpx
import strawberry

from api.graphql.errors import TypedErrors
from api.graphql.schema import build_schema
from graph.errors import NotFound
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.media import MediaFactory

CREATE = "mutation($i: CreateSessionInput!) { createSession(input: $i) { id name status tags } }"
PAGE = """query($after: String, $name: String) { sessions(first: 2, after: $after, name: $name) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }"""


async def test_sessions_page_tags_and_delete(api: ApiClient, state: AppState) -> None:
    ids = []
    for i in range(5):
        made = await api.gql(
            CREATE, i={"url": f"http://127.0.0.1:9/{i}.mp4", "name": f"clip {i}", "tags": {"n": i}}
        )
        ids.append(made["createSession"]["id"])
    seen: list[str] = []
    after = None
    while True:
        page = (await api.gql(PAGE, after=after))["sessions"]
        assert page["totalCount"] == 5
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(reversed(ids)), "newest first, each once"
    named = (await api.gql(PAGE, name="CLIP 3"))["sessions"]
    assert [e["node"]["name"] for e in named["edges"]] == ["clip 3"]

    tagged = await api.gql(
        'mutation($s: ID!) { setSessionTags(sessionId: $s, tags: {env: "prod", n: [1, 2]}) '
        "{ tags } }",
        s=ids[0],
    )
    assert tagged["setSessionTags"]["tags"] == {"env": "prod", "n": [1, 2]}
    error = await api.gql_error(
        "mutation($s: ID!) { setSessionTags(sessionId: $s, tags: [1]) { id } }", s=ids[0]
    )
    assert error["extensions"]["code"] == "INVALID_TAGS"

    await api.add_labels(ids[1], [{"labelType": "user", "startTime": 0, "endTime": 1}])
    assert (await api.gql("mutation($s: ID!) { deleteSession(id: $s) }", s=ids[1]))["deleteSession"]
    assert (await api.gql("query($s: ID!) { session(id: $s) { id } }", s=ids[1]))["session"] is None
    leftovers = await state.graph.read(
        "MATCH (n) WHERE n.session_id = $s RETURN count(n) AS c", {"s": ids[1]}
    )
    assert leftovers[0]["c"] == 0
    error = await api.gql_error("mutation($s: ID!) { deleteSession(id: $s) }", s=ids[1])
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"


async def test_create_session_validation(api: ApiClient, media: MediaFactory) -> None:
    cases = [
        ({}, "INVALID_SOURCE"),
        ({"url": "http://x/a.mp4", "uploadId": "abc"}, "INVALID_SOURCE"),
        ({"url": "ftp://example.com/a.mp4"}, "INVALID_URL"),
        ({"url": "file:///etc/passwd"}, "INVALID_URL"),
        ({"uploadId": "0" * 32}, "UPLOAD_NOT_FOUND"),
        ({"url": "http://example.com/a.mp4", "tags": "nope"}, "INVALID_TAGS"),
    ]
    for given, code in cases:
        error = await api.gql_error(CREATE, i=given)
        assert error["extensions"]["code"] == code, given
    upload_id = await api.upload(media.sample_video())
    made = await api.gql(CREATE, i={"uploadId": upload_id})
    assert made["createSession"]["id"] == upload_id, "the file_uuid is the session id"
    assert made["createSession"]["name"] == "sample.mp4"
    error = await api.gql_error(CREATE, i={"uploadId": upload_id})
    assert error["extensions"]["code"] == "UPLOAD_IN_USE"


async def test_upload_limits(api: ApiClient, state: AppState, http: httpx.AsyncClient) -> None:
    limit = state.settings.max_upload_bytes
    declared = await http.post(
        "/api/v1/files", content=b"x", headers={**api.headers, "content-length": str(limit + 1)}
    )
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    empty = await http.post("/api/v1/files", content=b"", headers=api.headers)
    assert empty.status_code == 400
    multipart = await http.post(
        "/api/v1/files",
        headers=api.headers,
        files={"file": ("clip.mp4", b"\x00" * 1000, "video/mp4")},
    )
    assert multipart.status_code == 200 and multipart.json()["size_bytes"] == 1000
    no_file = await http.post("/api/v1/files", headers=api.headers, files={"other": ("a", b"x")})
    assert no_file.status_code == 400 and no_file.json()["error"]["code"] == "NO_FILE"


async def test_no_key_401_and_other_org_404(
    api: ApiClient, other_api: ApiClient, http: httpx.AsyncClient, ready_session: dict[str, Any]
) -> None:
    sid = ready_session["id"]
    query = {"query": "query($s: ID!) { session(id: $s) { id } }", "variables": {"s": sid}}
    no_key = await http.post("/graphql", json=query)
    assert no_key.status_code == 401
    assert no_key.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    bad_key = await http.post("/graphql", json=query, headers={"X-API-Key": "rg_nope"})
    assert bad_key.status_code == 401
    assert (await http.get(f"/api/v1/file/{sid}/video")).status_code == 401
    upload = await http.post("/api/v1/files", content=b"abc")
    assert upload.status_code == 401 and upload.json()["success"] is False

    # another org: the session does not exist for them, on GraphQL and REST alike
    theirs = await other_api.gql("query($s: ID!) { session(id: $s) { id } }", s=sid)
    assert theirs["session"] is None
    error = await other_api.gql_error(
        'mutation($s: ID!) { addLabels(sessionId: $s, labels: [{labelType: "user", '
        "startTime: 0, endTime: 1}]) { id } }",
        s=sid,
    )
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"
    rest = await http.get(f"/api/v1/file/{sid}/video", headers=other_api.headers)
    assert rest.status_code == 404
    assert rest.json() == {
        "success": False,
        "error": {"code": "SESSION_NOT_FOUND", "message": f"session {sid} not found"},
    }
    [label] = await api.add_labels(sid, [{"labelType": "user", "startTime": 0, "endTime": 1}])
    assert (await other_api.gql("query($l: ID!) { label(id: $l) { id } }", l=label["id"]))[
        "label"
    ] is None
    assert (
        await other_api.gql("query($g: ID!) { labelGroup(id: $g) { id } }", g=label["labelGroupId"])
    )["labelGroup"] is None


async def test_jwt_login(api: ApiClient, http: httpx.AsyncClient) -> None:
    login = await http.post(
        "/graphql",
        json={
            "query": "mutation($k: String!) { login(apiKey: $k, ttlSeconds: 60) "
            "{ token expiresIn } }",
            "variables": {"k": api.key},
        },
    )
    token = login.json()["data"]["login"]["token"]
    made = await http.post(
        "/graphql",
        headers={"Authorization": f"Bearer {token}"},
        json={"query": 'mutation { createSession(input: {url: "http://h/x.mp4"}) { id } }'},
    )
    sid = made.json()["data"]["createSession"]["id"]
    assert (await api.session(sid))["id"] == sid, "the JWT acts for the key's org"
    forged = await http.post(
        "/graphql",
        headers={"Authorization": f"Bearer {token}x"},
        json={"query": "{ sessions { totalCount } }"},
    )
    assert forged.status_code == 401
    assert forged.json()["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"
    wrong = await http.post(
        "/graphql", json={"query": 'mutation { login(apiKey: "rg_wrong") { token } }'}
    )
    assert wrong.json()["errors"][0]["extensions"]["code"] == "INVALID_API_KEY"
    sneaky = await http.post(
        "/graphql",
        json={"query": 'mutation { login(apiKey: "rg_wrong") { token } deleteSession(id: "x") }'},
    )
    assert sneaky.status_code == 401, "only a bare login passes without a credential"


async def test_health_playground_depth_and_masking(api: ApiClient, http: httpx.AsyncClient) -> None:
    health = await http.get("/healthz")
    assert health.status_code in (200, 503)
    assert set(health.json()["components"]) == {"graph", "postgres", "redis", "worker"}
    assert health.json()["components"]["graph"] is True
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert "https://" not in page.text
    asset = await http.get("/graphql/static/graphiql.min.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    syntax = await api.gql_raw("{ sessions { ")
    assert syntax["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_depth_limit_and_masked_errors() -> None:
    deep = "{ sessions { edges { node { labels { edges { node { id } } } } } } }"
    result = await build_schema(max_depth=4).execute(deep)
    assert result.errors
    assert "exceeds maximum operation depth of 4" in result.errors[0].message

    @strawberry.type
    class Query:
        @strawberry.field
        def boom(self) -> int:
            raise RuntimeError("secret internals")

        @strawberry.field
        def typed(self) -> int:
            raise NotFound("no such thing", code="THING_NOT_FOUND")

    schema = strawberry.Schema(query=Query, extensions=[TypedErrors])
    boom = await schema.execute("{ boom }")
    assert boom.errors and boom.errors[0].message == "Unexpected error."
    assert boom.errors[0].extensions == {"code": "INTERNAL_SERVER_ERROR"}
    typed = await schema.execute("{ typed }")
    assert typed.errors and typed.errors[0].message == "no such thing"
    assert typed.errors[0].extensions == {"code": "THING_NOT_FOUND"}
