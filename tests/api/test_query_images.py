"""Query images: REST bytes, GraphQL metadata, LIKE and email filters, org isolation."""

from __future__ import annotations

import uuid

import cv2
import httpx
import numpy as np
import pytest

from api.cli import build_parser
from api.services.auth import check_email, create_api_key
from graph.errors import ErrorCode, InvalidInput
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.logos import logo

FIELDS = "id name orgId userId uploaderEmail tsCreated width height"


def _png(image: np.ndarray) -> bytes:
    return cv2.imencode(".png", image)[1].tobytes()


async def _upload(api: ApiClient, data: bytes, name: str | None = None) -> str:
    params = {"name": name} if name is not None else {}
    response = await api.http.post(
        "/api/v1/query-images", params=params, content=data, headers=api.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return str(body["image_id"])


async def _owner(state: AppState, http: httpx.AsyncClient, org: str, email: str) -> ApiClient:
    key, org_id = await create_api_key(state.orgs, org, ("file",), email=email)
    return ApiClient(http, key, org_id)


async def test_upload_download_metadata_and_delete(
    state: AppState, http: httpx.AsyncClient, other_api: ApiClient
) -> None:
    org = f"org-{uuid.uuid4().hex[:8]}"
    alice = await _owner(state, http, org, "alice@example.com")
    bob = await _owner(state, http, org, "bob@example.com")
    png = _png(logo())
    jpeg = cv2.imencode(".jpg", logo())[1].tobytes()
    first = await _upload(alice, png, "logo_main")
    second = await _upload(bob, jpeg, "Logo-dark")
    multipart = await alice.http.post(
        "/api/v1/query-images?name=banner%202",
        files={"file": ("b.png", png, "image/png")},
        headers=alice.headers,
    )
    third = multipart.json()["image_id"]

    got = await alice.http.get(f"/api/v1/query-images/{first}", headers=alice.headers)
    assert got.status_code == 200 and got.content == png  # the original bytes
    assert got.headers["content-type"] == "image/png"
    # another user of the org reads it too; another org does not see it
    assert (await bob.http.get(f"/api/v1/query-images/{first}", headers=bob.headers)).status_code
    other = await other_api.http.get(f"/api/v1/query-images/{first}", headers=other_api.headers)
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "QUERY_IMAGE_NOT_FOUND"
    bad = await alice.http.get("/api/v1/query-images/not-a-uuid", headers=alice.headers)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "INVALID_QUERY_IMAGE_ID"
    unknown = await alice.http.get(f"/api/v1/query-images/{uuid.uuid4()}", headers=alice.headers)
    assert unknown.status_code == 404

    meta = await bob.gql(f"query($id: ID!) {{ queryImage(id: $id) {{ {FIELDS} }} }}", id=first)
    image = meta["queryImage"]
    assert (image["name"], image["orgId"], image["uploaderEmail"]) == (
        "logo_main", alice.org_id, "alice@example.com"
    )  # fmt: skip
    assert (image["width"], image["height"]) == (120, 40) and image["userId"]
    hidden = await other_api.gql("query($id: ID!) { queryImage(id: $id) { id } }", id=first)
    assert hidden["queryImage"] is None
    node = "query($id: ID!) { node(id: $id) { id ... on QueryImage { name } } }"
    assert (await bob.gql(node, id=first))["node"] == {"id": first, "name": "logo_main"}
    assert (await other_api.gql(node, id=first))["node"] is None
    assert (await bob.gql(node, id="not-a-uuid"))["node"] is None

    async def names(name: str | None = None, email: str | None = None) -> list[str]:
        found = await alice.gql(
            "query($n: String, $e: String) { queryImages(name: $n, email: $e) { id name } }",
            n=name,
            e=email,
        )
        return sorted(i["name"] for i in found["queryImages"])

    assert await names() == ["Logo-dark", "banner 2", "logo_main"]
    assert await names("logo%") == ["Logo-dark", "logo_main"]  # case-insensitive, as MySQL
    assert await names("logo_main") == ["logo_main"]
    assert await names("logo_dark") == ["Logo-dark"]  # _ is any one character
    assert await names("logo\\_%") == ["logo_main"]  # an escaped _ is itself
    assert await names("%2") == ["banner 2"]
    assert await names(email="bob@example.com") == ["Logo-dark"]
    assert await names("logo%", "alice@example.com") == ["logo_main"]
    assert await names(email="alice@example") == []  # exact
    assert (await other_api.gql("{ queryImages { id } }"))["queryImages"] == []

    delete = "mutation($id: ID!) { deleteQueryImage(id: $id) }"
    error = await other_api.gql_error(delete, id=second)
    assert error["extensions"]["code"] == "QUERY_IMAGE_NOT_FOUND"
    assert (await bob.gql(delete, id=second))["deleteQueryImage"] is True
    error = await bob.gql_error(delete, id=second)
    assert error["extensions"]["code"] == "QUERY_IMAGE_NOT_FOUND"
    assert (await alice.gql_error(delete, id="x"))["extensions"]["code"] == (
        "INVALID_QUERY_IMAGE_ID"
    )
    gone = await alice.http.get(f"/api/v1/query-images/{second}", headers=alice.headers)
    assert gone.status_code == 404
    assert await names() == ["banner 2", "logo_main"] and third


async def test_uploads_that_are_not_images_or_too_large(api: ApiClient, state: AppState) -> None:
    for body in (b"GIF89a not accepted", b"hello", b"\x89PNG\r\n\x1a\n broken"):
        response = await api.http.post("/api/v1/query-images", content=body, headers=api.headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "INVALID_IMAGE"
    empty = await api.http.post("/api/v1/query-images", content=b"", headers=api.headers)
    assert empty.status_code == 400
    limit = state.settings.query_image_max_bytes
    big = await api.http.post(
        "/api/v1/query-images", content=b"\0" * (limit + 1), headers=api.headers
    )
    assert big.status_code == 413
    assert (await api.gql("{ queryImages { id } }"))["queryImages"] == []  # nothing stored


def test_api_key_owner_email_on_the_command_line() -> None:
    args = build_parser().parse_args(["apikey", "create", "--org", "O", "--email", "a@b.example"])
    assert (args.org, args.email) == ("O", "a@b.example")
    assert check_email(" a@b.example ") == "a@b.example"
    for bad in ("alice", "a@b", "a b@c.example", "@c.example"):
        with pytest.raises(InvalidInput) as refused:
            check_email(bad)
        assert refused.value.code == ErrorCode.INVALID_EMAIL
