"""URL downloads for ingest: metadata refused always, every request pinned to its checked address.

The upstream is a real HTTP server on 127.0.0.1; only name resolution is replaced, to play a
DNS server whose answers change between lookups (DNS rebinding).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from analysis.errors import MediaError
from workers import outbound
from workers.fetch import download

BODY = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64


class Upstream:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (path, Host header)
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        path = head[0].split(" ")[1]
        host = next((h.split(":", 1)[1].strip() for h in head if h.lower().startswith("host:")), "")
        self.requests.append((path, host))
        if path.startswith("/to-metadata"):
            status, extra, body = "302 Found", "Location: http://169.254.169.254/latest\r\n", b""
        elif path.startswith("/to-link-local"):
            status, extra, body = "302 Found", "Location: http://[fe80::1]/\r\n", b""
        else:
            status, extra, body = "200 OK", "Content-Type: video/mp4\r\n", BODY
        writer.write(
            f"HTTP/1.1 {status}\r\n{extra}Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    served = Upstream()
    server = await asyncio.start_server(served.handle, "127.0.0.1", 0)
    served.port = server.sockets[0].getsockname()[1]
    async with server:
        yield served


async def _fetch(url: str, tmp_path: Path, *, allow_private: bool = True) -> Path:
    target = tmp_path / "source"
    await download(url, target, max_bytes=10**7, timeout_s=5.0, allow_private=allow_private)
    return target


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]/",
        "http://169.254.1.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
async def test_allow_private_still_refuses_metadata_and_link_local(
    url: str, tmp_path: Path
) -> None:
    with pytest.raises(MediaError, match="refusing to fetch"):
        await _fetch(url, tmp_path, allow_private=True)
    assert not (tmp_path / "source").exists()


@pytest.mark.parametrize("path", ["/to-metadata", "/to-link-local"])
async def test_allow_private_refuses_redirects_to_metadata(
    upstream: Upstream, tmp_path: Path, path: str
) -> None:
    with pytest.raises(MediaError, match="refusing to fetch"):
        await _fetch(f"http://127.0.0.1:{upstream.port}{path}", tmp_path)
    assert [p for p, _ in upstream.requests] == [path]


async def test_private_addresses_need_the_setting(upstream: Upstream, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{upstream.port}/clip.mp4"
    with pytest.raises(MediaError, match="refusing to fetch"):
        await _fetch(url, tmp_path, allow_private=False)
    assert upstream.requests == []
    assert (await _fetch(url, tmp_path)).read_bytes() == BODY


async def test_download_connects_to_the_checked_address(
    upstream: Upstream, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``rebind.test`` resolves only through the checked lookup; a second lookup by the HTTP
    client (which would get whatever the DNS server answers next) would fail outright."""
    lookups: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(outbound, "_resolve", resolve)
    source = await _fetch(f"http://rebind.test:{upstream.port}/clip.mp4", tmp_path)
    assert source.read_bytes() == BODY
    assert upstream.requests == [("/clip.mp4", f"rebind.test:{upstream.port}")]
    assert lookups == ["rebind.test"]
