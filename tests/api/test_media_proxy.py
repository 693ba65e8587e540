"""``GET /api/v1/media-proxy``: the image path, and every way it must refuse to be an SSRF hole.

The upstream is a real HTTP server on 127.0.0.1 (exempted per test through
``media_proxy_private_hosts`` as ``127.0.0.1:<port>``); the proxy talks to it over real sockets.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace

import cv2
import httpx
import numpy as np
import pytest

from api.app import create_app
from api.services.auth import create_api_key
from graph.state import AppState
from tests.support.client import ApiClient
from workers import outbound
from workers.fetch import address_kind

MAX_BYTES = 64 * 1024
SLOW_S = 3.0


def _png() -> bytes:
    image = np.zeros((16, 24, 3), np.uint8)
    image[4:12, 6:18] = (0, 128, 255)
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return encoded.tobytes()


PNG = _png()


class Upstream(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stopping = threading.Event()
        self.requests: list[tuple[str, str]] = []  # (path, Host header)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def handle_error(self, request: object, client_address: object) -> None:
        """The proxy hangs up early on purpose (too large, too slow): not worth a traceback."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Upstream

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, content_type: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, "text/plain", b"", Location=location)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.server.requests.append((self.path, self.headers.get("Host", "")))
        port = self.server.port
        if path == "/img.png":
            self._send(200, "image/png", PNG)
        elif path == "/page.html":
            self._send(200, "text/html; charset=utf-8", b"<html><body>hi</body></html>")
        elif path == "/drawing.svg":
            self._send(200, "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
        elif path == "/missing":
            self._send(404, "text/plain", b"no such thing")
        elif path == "/redirect-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/redirect-localhost":
            self._redirect(f"http://localhost:{port}/img.png")
        elif path == "/redirect-file":
            self._redirect("file:///etc/passwd")
        elif path.startswith("/chain/"):
            left = int(path.removeprefix("/chain/"))
            self._redirect(f"/chain/{left - 1}" if left > 1 else "/img.png")
        elif path == "/huge-declared":
            # claims far more than it sends: only a proxy that trusts the header answers "too large"
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(10 * MAX_BYTES))
            self.end_headers()
            self.wfile.write(PNG)
        elif path == "/huge-streamed":
            # HTTP/1.0 without Content-Length: the body ends when the connection closes
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(b"\x00" * (MAX_BYTES + 1))
        elif path == "/slow":
            self.server.stopping.wait(SLOW_S)
            self._send(200, "image/png", PNG)
        elif path == "/trickle":
            # every read is quick, only the whole takes too long
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            deadline = time.monotonic() + SLOW_S
            while time.monotonic() < deadline and not self.server.stopping.wait(0.05):
                self.wfile.write(b"\x00")
                self.wfile.flush()
        else:
            self._send(404, "text/plain", b"")


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()


Proxy = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
async def system_key(state: AppState) -> str:
    key, _ = await create_api_key(state.orgs, f"org-{uuid.uuid4().hex[:8]}", ("file", "system"))
    return key


@pytest.fixture
def proxy(state: AppState, system_key: str) -> Proxy:
    """GET the proxy through an app whose settings carry ``overrides``."""

    async def get(
        url: str | None, *, headers: dict[str, str] | None = None, **overrides: object
    ) -> httpx.Response:
        settings = state.settings.with_overrides(**overrides)
        app = create_app(state=replace(state, settings=settings))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as client:
            return await client.get(
                "/api/v1/media-proxy",
                params={} if url is None else {"url": url},
                headers={"X-API-Key": system_key, **(headers or {})},
            )

    return get


def local(upstream: Upstream) -> dict[str, tuple[str, ...]]:
    """Settings that let the proxy reach the upstream: its host and port, no other port."""
    return {"media_proxy_private_hosts": (f"127.0.0.1:{upstream.port}",)}


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code, body
    return str(body["error"]["message"])


async def test_proxies_an_image_with_cache_headers(proxy: Proxy, upstream: Upstream) -> None:
    response = await proxy(upstream.url("/img.png"), **local(upstream))
    assert response.status_code == 200, response.text
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "private, max-age=86400"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["etag"] == f'"{hashlib.sha256(PNG).hexdigest()}"'


async def test_if_none_match_answers_304(proxy: Proxy, upstream: Upstream) -> None:
    etag = f'"{hashlib.sha256(PNG).hexdigest()}"'
    for header in (etag, f"W/{etag}", f'"other", {etag}'):
        response = await proxy(
            upstream.url("/img.png"), headers={"If-None-Match": header}, **local(upstream)
        )
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == etag
    stale = await proxy(
        upstream.url("/img.png"), headers={"If-None-Match": '"old"'}, **local(upstream)
    )
    assert stale.status_code == 200
    assert stale.content == PNG


async def test_follows_redirects_up_to_five(proxy: Proxy, upstream: Upstream) -> None:
    response = await proxy(upstream.url("/chain/5"), **local(upstream))
    assert response.status_code == 200, response.text
    assert response.content == PNG
    message = assert_error(
        await proxy(upstream.url("/chain/6"), **local(upstream)), 502, "UPSTREAM_ERROR"
    )
    assert "redirect" in message


async def test_needs_system_scope(api: ApiClient, upstream: Upstream) -> None:
    probe = f"/img.png?probe={uuid.uuid4().hex}"
    response = await api.http.get(
        "/api/v1/media-proxy", params={"url": upstream.url(probe)}, headers=api.headers
    )
    assert_error(response, 403, "FORBIDDEN")
    assert probe not in [path for path, _ in upstream.requests]


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "file:///etc/passwd",
        "ftp://example.com/a.png",
        "gopher://example.com/",
        "http:///img.png",
        "//example.com/a.png",
        "http://user:secret@example.com/a.png",
        "http://example.com:99999/a.png",
    ],
)
async def test_refuses_invalid_urls(proxy: Proxy, url: str | None) -> None:
    assert_error(await proxy(url), 400, "INVALID_URL")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://169.254.169.254/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://100.100.100.200/",
        "http://[fd00:ec2::254]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://240.0.0.1/",
        "http://2130706433/",  # 127.0.0.1 written as one number
    ],
)
async def test_refuses_non_public_addresses(proxy: Proxy, url: str) -> None:
    message = assert_error(await proxy(url, media_proxy_timeout_s=2.0), 403, "URL_FORBIDDEN")
    assert "resolves to an address" in message


@pytest.mark.parametrize(
    "host",
    [
        "169.254.169.254",
        "[fd00:ec2::254]",
        "100.100.100.200",
        "[fe80::1]",
        "[::ffff:169.254.169.254]",
    ],
)
async def test_metadata_and_link_local_stay_refused_for_private_hosts(
    proxy: Proxy, host: str
) -> None:
    response = await proxy(
        f"http://{host}/latest/meta-data/",
        media_proxy_private_hosts=(host.strip("[]"),),
        media_proxy_timeout_s=2.0,
    )
    assert_error(response, 403, "URL_FORBIDDEN")


async def test_refuses_a_hostname_resolving_to_a_private_address(
    proxy: Proxy, upstream: Upstream
) -> None:
    message = assert_error(
        await proxy(f"http://localhost:{upstream.port}/img.png", **local(upstream)),
        403,
        "URL_FORBIDDEN",
    )
    assert "localhost" in message
    assert "127.0.0.1" not in message


@pytest.mark.parametrize("path", ["/redirect-metadata", "/redirect-localhost"])
async def test_refuses_redirects_to_private_addresses(
    proxy: Proxy, upstream: Upstream, path: str
) -> None:
    served = len(upstream.requests)
    response = await proxy(upstream.url(path), media_proxy_timeout_s=3.0, **local(upstream))
    assert_error(response, 403, "URL_FORBIDDEN")
    # the first hop was fetched (127.0.0.1 is exempt); the redirect target never was
    assert [p for p, _ in upstream.requests[served:]] == [path]


async def test_refuses_a_redirect_to_a_file_url(proxy: Proxy, upstream: Upstream) -> None:
    assert_error(
        await proxy(upstream.url("/redirect-file"), **local(upstream)), 403, "URL_FORBIDDEN"
    )


async def test_allow_list_applies_to_the_url_and_every_redirect(
    proxy: Proxy, upstream: Upstream
) -> None:
    port = upstream.port
    private = {"media_proxy_private_hosts": (f"127.0.0.1:{port}", f"localhost:{port}")}
    allowed = await proxy(
        upstream.url("/img.png"), media_proxy_allowed_hosts=("127.0.0.1",), **private
    )
    assert allowed.status_code == 200, allowed.text
    message = assert_error(
        await proxy(
            upstream.url("/img.png"), media_proxy_allowed_hosts=("example.com",), **private
        ),
        403,
        "URL_FORBIDDEN",
    )
    assert "allowed hosts" in message
    redirected = await proxy(
        upstream.url("/redirect-localhost"), media_proxy_allowed_hosts=("127.0.0.1",), **private
    )
    assert_error(redirected, 403, "URL_FORBIDDEN")


@pytest.mark.parametrize("path", ["/page.html", "/drawing.svg"])
async def test_refuses_what_is_not_an_image(proxy: Proxy, upstream: Upstream, path: str) -> None:
    assert_error(await proxy(upstream.url(path), **local(upstream)), 502, "NOT_AN_IMAGE")


async def test_upstream_error_status_is_reported(proxy: Proxy, upstream: Upstream) -> None:
    message = assert_error(
        await proxy(upstream.url("/missing"), **local(upstream)), 502, "UPSTREAM_ERROR"
    )
    assert "404" in message


@pytest.mark.parametrize("path", ["/huge-declared", "/huge-streamed"])
async def test_refuses_images_over_the_size_limit(
    proxy: Proxy, upstream: Upstream, path: str
) -> None:
    response = await proxy(upstream.url(path), media_proxy_max_bytes=MAX_BYTES, **local(upstream))
    assert_error(response, 502, "UPSTREAM_TOO_LARGE")


@pytest.mark.parametrize("path", ["/slow", "/trickle"])
async def test_gives_up_after_the_total_timeout(
    proxy: Proxy, upstream: Upstream, path: str
) -> None:
    started = time.monotonic()
    response = await proxy(upstream.url(path), media_proxy_timeout_s=0.5, **local(upstream))
    assert_error(response, 504, "UPSTREAM_TIMEOUT")
    assert time.monotonic() - started < SLOW_S - 1


async def test_connects_to_the_checked_address_not_a_fresh_lookup(
    proxy: Proxy, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: ``rebind.test`` resolves only through the proxy's own checked lookup."""

    async def resolve(host: str, port: int) -> list[str]:
        assert host == "rebind.test"
        return ["127.0.0.1"]

    monkeypatch.setattr(outbound, "_resolve", resolve)
    probe = f"/img.png?probe={uuid.uuid4().hex}"
    response = await proxy(
        f"http://rebind.test:{upstream.port}{probe}",
        media_proxy_private_hosts=(f"rebind.test:{upstream.port}",),
    )
    assert response.status_code == 200, response.text
    assert response.content == PNG
    assert (probe, f"rebind.test:{upstream.port}") in upstream.requests


async def test_a_private_host_allowance_names_its_port(proxy: Proxy, upstream: Upstream) -> None:
    """A bare host allows ports 80 and 443 only: not every service listening on it."""
    port = upstream.port
    for entries in (("127.0.0.1",), (f"127.0.0.1:{port + 1}",), (f"localhost:{port}",)):
        response = await proxy(upstream.url("/img.png"), media_proxy_private_hosts=entries)
        assert_error(response, 403, "URL_FORBIDDEN")
    for allowed in ((f"127.0.0.1:{port}",), ("bad:port:x", f"[127.0.0.1]:{port}")):
        response = await proxy(upstream.url("/img.png"), media_proxy_private_hosts=allowed)
        assert response.status_code == 200, (allowed, response.text)


@pytest.mark.parametrize(
    ("entry", "pairs"),
    [
        ("example.internal", {("example.internal", 80), ("example.internal", 443)}),
        ("Example.Internal.:8080", {("example.internal", 8080)}),
        ("[::1]:9000", {("::1", 9000)}),
        ("::1", {("::1", 80), ("::1", 443)}),
        ("10.0.0.5:0", set()),
        ("10.0.0.5:http", set()),
        ("10.0.0.5:²", set()),
    ],
)
def test_private_hosts_entries(entry: str, pairs: set[tuple[str, int]]) -> None:
    assert outbound.parse_host_ports([entry]) == pairs


@pytest.mark.parametrize(
    ("ip", "kind"),
    [
        ("93.184.216.34", "public"),
        ("2606:4700::1111", "public"),
        ("::ffff:93.184.216.34", "public"),
        ("10.1.2.3", "private"),
        ("::ffff:10.1.2.3", "private"),
        ("100.64.0.1", "private"),
        ("fd12::1", "private"),
        ("::1", "private"),
        ("169.254.169.254", "forbidden"),
        ("::ffff:169.254.169.254", "forbidden"),
        ("fd00:ec2::254", "forbidden"),
        ("100.100.100.200", "forbidden"),
        ("fe80::1", "forbidden"),
        ("ff02::1", "forbidden"),
        ("::", "forbidden"),
    ],
)
def test_address_kind(ip: str, kind: str) -> None:
    assert address_kind(ip) == kind
