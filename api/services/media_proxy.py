"""Fetch an external image for the media proxy without opening a way into our own network.

Hosts, addresses and redirects are checked, and each request pinned to its checked address,
by :mod:`workers.outbound` (shared with the URL ingest); this module adds the image rules.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass

import httpx

from graph.errors import ErrorCode, ReelgraphError
from graph.settings import Settings
from workers.outbound import (
    AddressPolicy,
    InvalidURL,
    UpstreamError,
    URLForbidden,
    get_pinned,
    host_key,
    parse_host_ports,
    pinned_client,
)

__all__ = ["InvalidURL", "ProxiedImage", "URLForbidden", "UpstreamError", "fetch_image"]

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
# A plain media type only; SVG is refused because it can carry script.
IMAGE_TYPE = re.compile(r"image/[a-z0-9][a-z0-9.+-]*")


class UpstreamTimeout(ReelgraphError):
    code = ErrorCode.UPSTREAM_TIMEOUT


class UpstreamTooLarge(ReelgraphError):
    code = ErrorCode.UPSTREAM_TOO_LARGE


class NotAnImage(ReelgraphError):
    code = ErrorCode.NOT_AN_IMAGE


@dataclass(frozen=True)
class ProxiedImage:
    content: bytes
    content_type: str

    @property
    def etag(self) -> str:
        return f'"{hashlib.sha256(self.content).hexdigest()}"'


def address_policy(settings: Settings) -> AddressPolicy:
    """The media proxy's policy: public addresses, plus the listed private ``host:port``s."""
    return AddressPolicy(
        private_hosts=parse_host_ports(settings.media_proxy_private_hosts),
        allowed_hosts=frozenset(host_key(h) for h in settings.media_proxy_allowed_hosts),
    )


async def _read_image(response: httpx.Response, max_bytes: int) -> ProxiedImage:
    if response.status_code != 200:
        raise UpstreamError(f"the upstream server answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not IMAGE_TYPE.fullmatch(content_type) or "svg" in content_type:
        raise NotAnImage(f"the URL is not an image (Content-Type {content_type[:80]!r})")
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
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
    timeout_s = settings.media_proxy_timeout_s
    headers = {"Accept": "image/*", "Accept-Encoding": "identity"}
    try:
        async with asyncio.timeout(timeout_s), pinned_client(timeout_s) as client:
            response = await get_pinned(
                client,
                raw_url,
                address_policy(settings),
                headers=headers,
                max_redirects=MAX_REDIRECTS,
            )
            try:
                return await _read_image(response, settings.media_proxy_max_bytes)
            finally:
                await response.aclose()
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise UpstreamTimeout(f"fetching the image took longer than {timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        logger.warning("media proxy: fetching %s failed: %r", raw_url[:200], exc)
        raise UpstreamError("fetching the image failed") from exc
