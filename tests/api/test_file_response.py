"""RFC 7232/7233 behaviour of ``api.rest.file_response``, in-process (ASGI) and over real TCP."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Scope

from api.rest.file_response import (
    RangeNotSatisfiable,
    etag_for,
    file_response,
    http_date,
    parse_byte_range,
)
from graph.errors import NotFound, ReelgraphError

SIZE = 3 * 1024 * 1024 + 12_345
CHUNK = 64 * 1024
MTIME = 1_700_000_000


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    path = tmp_path_factory.mktemp("media") / "clip.mp4"
    data = os.urandom(SIZE)
    path.write_bytes(data)
    os.utime(path, (MTIME, MTIME))
    return path, data


def make_app(path: Path) -> Starlette:
    async def video(request: Request) -> Response:
        target = path if request.path_params["name"] == "clip" else path.with_name("nope")
        return await file_response(request, target, "video/mp4", chunk_size=CHUNK)

    async def on_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ReelgraphError)
        return JSONResponse({"code": exc.code}, status_code=exc.status)

    return Starlette(
        routes=[Route("/v/{name}", video)], exception_handlers={ReelgraphError: on_error}
    )


@pytest.fixture(scope="module")
def uvicorn_url(media: tuple[Path, bytes]) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(make_app(media[0]), lifespan="off", log_level="warning", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest_asyncio.fixture(params=["asgi", "uvicorn"])
async def client(
    request: pytest.FixtureRequest, media: tuple[Path, bytes]
) -> AsyncIterator[httpx.AsyncClient]:
    if request.param == "asgi":
        transport = httpx.ASGITransport(make_app(media[0]))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c
    else:
        url = request.getfixturevalue("uvicorn_url")
        async with httpx.AsyncClient(base_url=url, trust_env=False) as c:
            yield c


async def get(client: httpx.AsyncClient, method: str = "GET", **headers: str) -> httpx.Response:
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    return await client.request(method, "/v/clip", headers=hdrs)


def expected_etag(path: Path) -> str:
    st = path.stat()
    return f'"{st.st_size:x}-{st.st_mtime_ns:x}"'


async def test_full_get_is_byte_exact_with_validators(
    client: httpx.AsyncClient, media: tuple[Path, bytes]
) -> None:
    path, data = media
    r = await get(client)
    assert r.status_code == 200
    assert r.content == data
    assert r.headers["content-length"] == str(SIZE)
    assert r.headers["content-type"] == "video/mp4"
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["cache-control"] == "private, max-age=86400"
    assert r.headers["etag"] == expected_etag(path) == etag_for(path)
    assert r.headers["last-modified"] == formatdate(MTIME, usegmt=True)
    assert "content-range" not in r.headers


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=100-199", 100, 199),
        ("bytes=1000-", 1000, SIZE - 1),
        ("bytes=-500", SIZE - 500, SIZE - 1),
        ("bytes=100-99999999", 100, SIZE - 1),
        ("bytes=-99999999", 0, SIZE - 1),
        (f"bytes={SIZE - 1}-", SIZE - 1, SIZE - 1),
        ("Bytes = 70000-200000", 70000, 200000),
    ],
)
async def test_single_range_is_206_byte_exact(
    client: httpx.AsyncClient, media: tuple[Path, bytes], header: str, start: int, end: int
) -> None:
    r = await get(client, range=header)
    assert r.status_code == 206
    assert r.headers["content-range"] == f"bytes {start}-{end}/{SIZE}"
    assert r.headers["content-length"] == str(end - start + 1)
    assert r.content == media[1][start : end + 1]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
async def test_unsatisfiable_range_is_416(client: httpx.AsyncClient, header: str) -> None:
    r = await get(client, range=header)
    assert r.status_code == 416
    assert r.headers["content-range"] == f"bytes */{SIZE}"
    assert r.headers["content-length"] == "0"
    assert r.content == b""


@pytest.mark.parametrize(
    "header",
    ["bytes=abc", "bytes=0-1,5-6", "bytes=0-0, -1", "items=0-5", "bytes=10-5", "bytes=-", "0-5"],
)
async def test_malformed_or_multi_range_is_full_200(
    client: httpx.AsyncClient, media: tuple[Path, bytes], header: str
) -> None:
    r = await get(client, range=header)
    assert r.status_code == 200
    assert "content-range" not in r.headers
    assert r.content == media[1]


async def test_head_has_headers_and_no_body(client: httpx.AsyncClient) -> None:
    r = await get(client, "HEAD")
    assert (r.status_code, r.content, r.headers["content-length"]) == (200, b"", str(SIZE))
    assert r.headers["accept-ranges"] == "bytes" and r.headers["etag"]
    r = await get(client, "HEAD", range="bytes=100-199")
    assert (r.status_code, r.content, r.headers["content-length"]) == (206, b"", "100")
    assert r.headers["content-range"] == f"bytes 100-199/{SIZE}"


async def test_if_range(client: httpx.AsyncClient, media: tuple[Path, bytes]) -> None:
    path, data = media
    etag, date = expected_etag(path), formatdate(MTIME, usegmt=True)
    for validator in (etag, date):
        r = await get(client, range="bytes=100-199", if_range=validator)
        assert (r.status_code, r.content) == (206, data[100:200])
    for stale in ('"0-0"', f"W/{etag}", formatdate(MTIME - 1, usegmt=True), "garbage"):
        r = await get(client, range="bytes=100-199", if_range=stale)
        assert (r.status_code, r.content) == (200, data)
    r = await get(client, range=f"bytes={SIZE}-", if_range='"0-0"')
    assert (r.status_code, r.content) == (200, data)


async def test_conditional_get(client: httpx.AsyncClient, media: tuple[Path, bytes]) -> None:
    etag = expected_etag(media[0])
    for inm in (etag, f"W/{etag}", f'"x", {etag}', "*"):
        r = await get(client, if_none_match=inm)
        assert (r.status_code, r.content) == (304, b"")
        assert r.headers["etag"] == etag and r.headers["cache-control"]
    r = await get(client, "HEAD", if_none_match=etag)
    assert r.status_code == 304
    r = await get(client, if_modified_since=formatdate(MTIME, usegmt=True))
    assert r.status_code == 304
    for ims in (formatdate(MTIME - 1, usegmt=True), "not a date"):
        r = await get(client, if_modified_since=ims)
        assert (r.status_code, r.content) == (200, media[1])
    # If-None-Match takes precedence over If-Modified-Since.
    r = await get(client, if_none_match='"x"', if_modified_since=formatdate(MTIME, usegmt=True))
    assert r.status_code == 200


async def test_preconditions_412(client: httpx.AsyncClient, media: tuple[Path, bytes]) -> None:
    etag = expected_etag(media[0])
    assert (await get(client, if_match='"x"')).status_code == 412
    assert (await get(client, if_match=f"W/{etag}")).status_code == 412
    r = await get(client, if_match=etag, range="bytes=0-9")
    assert (r.status_code, r.content) == (206, media[1][:10])
    r = await get(client, if_unmodified_since=formatdate(MTIME - 1, usegmt=True))
    assert r.status_code == 412
    r = await get(client, if_unmodified_since=formatdate(MTIME, usegmt=True))
    assert r.status_code == 200


async def test_missing_file_is_not_found(client: httpx.AsyncClient) -> None:
    r = await client.get("/v/missing")
    assert (r.status_code, r.json()) == (404, {"code": NotFound.code})


async def test_body_is_streamed_in_bounded_chunks(media: tuple[Path, bytes]) -> None:
    app, sizes, sent = make_app(media[0]), list[int](), bytearray()
    scope: Scope = {"type": "http", "method": "GET", "path": "/v/clip", "headers": []}
    scope.update(query_string=b"", asgi={"version": "3.0", "spec_version": "2.4"})

    async def receive() -> Message:
        raise AssertionError("not expected with spec_version 2.4")

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            sizes.append(len(message["body"]))
            sent.extend(message["body"])

    await app(scope, receive, send)
    assert bytes(sent) == media[1]
    assert max(sizes) == CHUNK and len(sizes) >= SIZE // CHUNK


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        (None, 10, None),
        ("bytes=0-0", 10, (0, 0)),
        ("bytes=2-", 10, (2, 9)),
        ("bytes=-3", 10, (7, 9)),
        ("bytes=-30", 10, (0, 9)),
        ("bytes=5-50", 10, (5, 9)),
        ("bytes=9-9", 10, (9, 9)),
        ("bytes=5-4", 10, None),
        ("bytes=0-1,3-4", 10, None),
        ("bytes=1-2-3", 10, None),
        ("bytes=+1-2", 10, None),
        ("bytes=\u0661-2", 10, None),
        ("pages=1-2", 10, None),
        ("bytes", 10, None),
    ],
)
def test_parse_byte_range(header: str | None, size: int, expected: tuple[int, int] | None) -> None:
    assert parse_byte_range(header, size) == expected


@pytest.mark.parametrize(
    ("header", "size"), [("bytes=10-", 10), ("bytes=-0", 10), ("bytes=0-", 0), ("bytes=-1", 0)]
)
def test_parse_byte_range_unsatisfiable(header: str, size: int) -> None:
    with pytest.raises(RangeNotSatisfiable) as info:
        parse_byte_range(header, size)
    assert (info.value.status, info.value.size) == (416, size)


def test_etag_tracks_size_and_mtime_ns(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    os.utime(path, ns=(0, 1_000_000_001))
    first = etag_for(path)
    assert first == etag_for(path.stat()) and first.startswith('"') and first.endswith('"')
    os.utime(path, ns=(0, 1_000_000_002))
    assert etag_for(path) != first
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
