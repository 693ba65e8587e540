"""Fetch an external image for the media proxy without opening a way into our own network.

Every hop (the URL, then each redirect) is checked: http(s) only, the allow-list, and every
address the host resolves to. The request then goes to the checked address itself, with the
original ``Host`` header and TLS server name, so a second DNS answer cannot redirect it.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass

import httpx

from graph.errors import ReelgraphError
from graph.settings import Settings
from workers.fetch import address_kind

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
# A plain media type only; SVG is refused because it can carry script.
IMAGE_TYPE = re.compile(r"image/[a-z0-9][a-z0-9.+-]*")


class UpstreamError(ReelgraphError):
    code = "UPSTREAM_ERROR"
    status = 502


class InvalidURL(ReelgraphError):
    code = "INVALID_URL"
    status = 400


class URLForbidden(ReelgraphError):
    code = "URL_FORBIDDEN"
    status = 403


class UpstreamTimeout(ReelgraphError):
    code = "UPSTREAM_TIMEOUT"
    status = 504


class UpstreamTooLarge(ReelgraphError):
    code = "UPSTREAM_TOO_LARGE"
    status = 502


class NotAnImage(ReelgraphError):
    code = "NOT_AN_IMAGE"
    status = 502


@dataclass(frozen=True)
class ProxiedImage:
    content: bytes
    content_type: str

    @property
    def etag(self) -> str:
        return f'"{hashlib.sha256(self.content).hexdigest()}"'


@dataclass(frozen=True)
class _Target:
    url: httpx.URL
    host: str  # as getaddrinfo takes it (IDNA-encoded)
    port: int


def _host_key(host: str) -> str:
    """A host name as the settings list it: lower case, no trailing dot, IPs in one form."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower().rstrip(".")


def _parse(raw: str) -> _Target:
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise InvalidURL(f"the url cannot be parsed: {exc}") from exc
    if url.scheme not in ("http", "https"):
        raise InvalidURL("only http and https URLs can be proxied")
    if not url.host:
        raise InvalidURL("the url has no host")
    if url.userinfo:
        raise InvalidURL("the url must not carry credentials")
    port = url.port or (443 if url.scheme == "https" else 80)
    if not 0 < port < 65536:
        raise InvalidURL(f"the url's port {port} is out of range")
    return _Target(url, url.raw_host.decode("ascii"), port)


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UpstreamError(f"cannot resolve host {host}") from exc
    return [str(info[4][0]) for info in infos]


async def _checked_address(target: _Target, settings: Settings) -> str:
    """The address to connect to, once the host and all its addresses pass the rules."""
    host = _host_key(target.host)
    allowed = {_host_key(h) for h in settings.media_proxy_allowed_hosts}
    if allowed and host not in allowed:
        raise URLForbidden(f"{host} is not on the media proxy's list of allowed hosts")
    may_be_private = host in {_host_key(h) for h in settings.media_proxy_private_hosts}
    addresses = await _resolve(target.host, target.port)
    for address in addresses:
        kind = address_kind(address)
        if kind == "forbidden" or (kind == "private" and not may_be_private):
            raise URLForbidden(f"{host} resolves to an address the media proxy may not reach")
    if not addresses:
        raise UpstreamError(f"cannot resolve host {host}")
    return addresses[0]


def _redirect(target: _Target, location: str) -> _Target:
    try:
        return _parse(str(target.url.join(location)))
    except (InvalidURL, httpx.InvalidURL) as exc:
        raise URLForbidden(
            "the upstream server redirected to a URL that cannot be proxied"
        ) from exc


async def _read_image(response: httpx.Response, max_bytes: int) -> ProxiedImage:
    if response.status_code != 200:
        raise UpstreamError(f"the upstream server answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not IMAGE_TYPE.fullmatch(content_type) or "svg" in content_type:
        raise NotAnImage(f"the URL is not an image (Content-Type {content_type[:80]!r})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise UpstreamTooLarge(f"the image is larger than {max_bytes} bytes")
    body = bytearray()
    async for chunk in response.aiter_bytes(CHUNK_BYTES):
        body += chunk
        if len(body) > max_bytes:
            raise UpstreamTooLarge(f"the image is larger than {max_bytes} bytes")
    return ProxiedImage(bytes(body), content_type)


async def fetch_image(raw_url: str, settings: Settings) -> ProxiedImage:
    """The image at ``raw_url``, within the proxy's host rules, size and time limits."""
    if not raw_url:
        raise InvalidURL("the url query parameter is required")
    target = _parse(raw_url)
    timeout_s = settings.media_proxy_timeout_s
    try:
        async with (
            asyncio.timeout(timeout_s),
            # trust_env=False: an HTTP(S)_PROXY from the environment would resolve names itself;
            # no kept-alive connections, so one hop's connection never carries another host's
            httpx.AsyncClient(
                timeout=timeout_s,
                trust_env=False,
                limits=httpx.Limits(max_keepalive_connections=0),
            ) as client,
        ):
            for _ in range(MAX_REDIRECTS + 1):
                address = await _checked_address(target, settings)
                request = client.build_request(
                    "GET",
                    target.url.copy_with(host=address),
                    headers={
                        "Host": target.url.netloc.decode("ascii"),
                        "Accept": "image/*",
                        "Accept-Encoding": "identity",
                    },
                    extensions={"sni_hostname": target.host},
                )
                response = await client.send(request, stream=True)
                try:
                    if not response.is_redirect:
                        return await _read_image(response, settings.media_proxy_max_bytes)
                    target = _redirect(target, response.headers["location"])
                finally:
                    await response.aclose()
            raise UpstreamError(f"the upstream server redirected more than {MAX_REDIRECTS} times")
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise UpstreamTimeout(f"fetching the image took longer than {timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        logger.warning("media proxy: fetching %s failed: %r", target.url, exc)
        raise UpstreamError(f"fetching the image from {target.host} failed") from exc
