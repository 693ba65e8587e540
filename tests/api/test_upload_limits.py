"""Upload limits hold while the body streams: nothing past the limit is read or stored."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.state import AppState
from tests.support.client import ApiClient

MIB = 1024 * 1024
BOUNDARY = "reelgraph-test-boundary"


class Trickle:
    """An upload body produced on demand; ``sent`` says how much the server pulled."""

    def __init__(self, head: bytes, size: int, tail: bytes = b"") -> None:
        self.head, self.size, self.tail = head, size, tail
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            self.sent += len(chunk)
            yield chunk

    def _chunks(self) -> Iterator[bytes]:
        yield self.head
        for _ in range(self.size // MIB):
            yield b"\x00" * MIB
        yield self.tail


def multipart_head(name: str, filename: str, content_type: str = "video/mp4") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
    ).encode()


MULTIPART_TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()
MULTIPART_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.fixture
async def limited(state: AppState) -> AsyncIterator[tuple[httpx.AsyncClient, AppState]]:
    """The app with a 1 MiB upload limit and a 1 MiB cap on GraphQL multipart bodies."""
    settings = state.settings.with_overrides(
        max_upload_bytes=MIB, graphql_upload_max_bytes=MIB, max_image_bytes=64 * 1024
    )
    limited_state = dataclasses.replace(state, settings=settings)
    transport = httpx.ASGITransport(app=create_app(state=limited_state))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client, limited_state


def _media_entries(state: AppState) -> set[str]:
    media_dir = state.settings.media_dir
    return {p.name for p in media_dir.iterdir()} if media_dir.exists() else set()


async def test_multipart_upload_stops_at_the_limit(
    api: ApiClient, limited: tuple[httpx.AsyncClient, AppState]
) -> None:
    """A 100 MiB multipart upload against 1 MiB: 413 after about 1 MiB, nothing left on disk."""
    client, state = limited
    before = _media_entries(state)
    body = Trickle(multipart_head("file", "big.mp4"), 100 * MIB, MULTIPART_TAIL)
    response = await client.post(
        "/api/v1/files", content=body, headers={**api.headers, "content-type": MULTIPART_TYPE}
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert body.sent <= 3 * MIB, f"{body.sent} bytes were read past a 1 MiB limit"
    assert _media_entries(state) == before, "the refused upload left files behind"
    # under the limit, the file part is stored intact and the other parts are dropped
    data = bytes(range(256)) * 3000  # 750 KiB
    response = await client.post(
        "/api/v1/files",
        headers=api.headers,
        data={"note": "ignored"},
        files={"file": ("clip.mp4", data, "video/mp4")},
    )
    assert response.status_code == 200, response.text
    upload = await state.uploads.get(response.json()["file_uuid"], api.org_id)
    assert upload is not None and upload.size_bytes == len(data)
    assert Path(upload.path).read_bytes() == data
    assert (upload.filename, upload.content_type) == ("clip.mp4", "video/mp4")


@pytest.mark.parametrize("kind", ["raw", "multipart"])
async def test_stored_name_never_keeps_the_client_extension(
    api: ApiClient, state: AppState, http: httpx.AsyncClient, kind: str
) -> None:
    if kind == "raw":
        response = await http.post(
            "/api/v1/files?filename=clip.m3u8", content=b"#EXTM3U\n", headers=api.headers
        )
    else:
        response = await http.post(
            "/api/v1/files",
            headers=api.headers,
            files={"file": ("clip.m3u8", b"#EXTM3U\n", "application/vnd.apple.mpegurl")},
        )
    assert response.status_code == 200, response.text
    upload = await state.uploads.get(response.json()["file_uuid"], api.org_id)
    assert upload is not None
    path = Path(upload.path)
    assert path.name == "source" and path.suffix == ""
    assert path.parent.name == upload.id
    assert upload.filename == "clip.m3u8", "the client's name is kept as metadata only"


async def test_malformed_multipart_bodies_are_refused(
    api: ApiClient, http: httpx.AsyncClient
) -> None:
    one_file = multipart_head("file", "a.mp4") + b"a\r\n"
    two_files = one_file + multipart_head("file", "b.mp4") + b"b" + MULTIPART_TAIL
    cases = [
        ("multipart/form-data", b"--x\r\n", "INVALID_MULTIPART"),  # no boundary
        (MULTIPART_TYPE, multipart_head("file", "a.mp4") + b"cut short", "INVALID_MULTIPART"),
        (MULTIPART_TYPE, two_files, "TOO_MANY_FILES"),
    ]
    for content_type, body, code in cases:
        response = await http.post(
            "/api/v1/files", content=body, headers={**api.headers, "content-type": content_type}
        )
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"]["code"] == code


def _identity_operations(count: int) -> dict[str, str]:
    query = (
        "mutation($input: IdentityInput!, $images: [Upload!]) { createIdentity(input: $input, "
        "images: $images) { id } }"
    )
    operations = {
        "query": query,
        "variables": {"input": {"name": "Big"}, "images": [None] * count},
    }
    mapping = {str(i): [f"variables.images.{i}"] for i in range(count)}
    return {"operations": json.dumps(operations), "map": json.dumps(mapping)}


def _form_fields(fields: dict[str, str]) -> bytes:
    return b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )


async def test_graphql_upload_body_stops_at_the_cap(
    api: ApiClient, limited: tuple[httpx.AsyncClient, AppState]
) -> None:
    """createIdentity with a 100 MiB image against a 1 MiB cap: 413 after about 1 MiB."""
    client, _ = limited
    head = _form_fields(_identity_operations(1)) + multipart_head("0", "face.png", "image/png")
    body = Trickle(head, 100 * MIB, MULTIPART_TAIL)
    response = await client.post(
        "/graphql", content=body, headers={**api.headers, "content-type": MULTIPART_TYPE}
    )
    assert response.status_code == 413, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert response.headers["connection"] == "close"
    assert body.sent <= 3 * MIB, f"{body.sent} bytes were read past a 1 MiB cap"
    declared = await client.post(
        "/graphql",
        content=b"x",
        headers={**api.headers, "content-type": MULTIPART_TYPE, "content-length": str(2 * MIB)},
    )
    assert declared.status_code == 413


async def test_identity_images_are_checked_before_decoding(
    api: ApiClient, limited: tuple[httpx.AsyncClient, AppState]
) -> None:
    """Per-image size (REELGRAPH_MAX_IMAGE_BYTES) and count are refused without decoding."""
    client, _ = limited
    cases = [(1, 64 * 1024 + 1, "IMAGE_TOO_LARGE"), (21, 10, "TOO_MANY_IMAGES")]
    for count, size, code in cases:
        files = {str(i): (f"{i}.png", b"\x00" * size, "image/png") for i in range(count)}
        response = await client.post(
            "/graphql", data=_identity_operations(count), files=files, headers=api.headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == code
    identities = await client.post(
        "/graphql", json={"query": "{ identities { id } }"}, headers=api.headers
    )
    assert identities.json()["data"]["identities"] == []
