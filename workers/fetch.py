"""Download a URL to disk with size and time limits, refusing private addresses by default.

Hosts, addresses and redirects are checked, and every request pinned to its checked address,
by :mod:`workers.outbound` (shared with the media proxy). ``REELGRAPH_URL_ALLOW_PRIVATE`` lets
URLs reach private addresses; metadata and link-local ones stay refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path

import httpx

from analysis.errors import MediaError
from workers.outbound import (
    AddressPolicy,
    InvalidURL,
    UpstreamError,
    URLForbidden,
    address_kind,
    checked_address,
    get_pinned,
    parse_target,
    pinned_client,
)

__all__ = ["address_kind", "check_host", "download"]

CONNECT_TIMEOUT_S = 30.0
CHUNK_BYTES = 1024 * 1024


async def check_host(url: str, allow_private: bool) -> str:
    """The address ``url`` would be fetched from; MediaError when it may not be fetched."""
    try:
        return await checked_address(parse_target(url), AddressPolicy(allow_private=allow_private))
    except (InvalidURL, URLForbidden) as exc:
        raise MediaError(f"refusing to fetch the URL: {exc.message}") from exc
    except UpstreamError as exc:
        raise MediaError(f"downloading the URL failed: {exc.message}") from exc


async def download(
    url: str,
    target: Path,
    *,
    max_bytes: int,
    timeout_s: float,
    allow_private: bool,
    headers: Mapping[str, str] | None = None,
) -> int:
    """Stream ``url`` into ``target`` (via a temp file); returns the byte count. ``headers``
    go with every request (each redirect hop included)."""
    tmp = target.with_name(target.name + ".part")
    policy = AddressPolicy(allow_private=allow_private)
    try:
        async with asyncio.timeout(timeout_s), pinned_client(CONNECT_TIMEOUT_S) as client:
            response = await get_pinned(client, url, policy, headers=headers)
            try:
                if response.status_code != 200:
                    raise MediaError(f"downloading the URL failed: HTTP {response.status_code}")
                size = 0
                with tmp.open("wb") as fh:
                    async for chunk in response.aiter_bytes(CHUNK_BYTES):
                        size += len(chunk)
                        if size > max_bytes:
                            raise MediaError(f"the URL's media is larger than {max_bytes} bytes")
                        fh.write(chunk)
            finally:
                await response.aclose()
        tmp.replace(target)
        return size
    except (InvalidURL, URLForbidden) as exc:
        raise MediaError(f"refusing to fetch the URL: {exc.message}") from exc
    except UpstreamError as exc:
        raise MediaError(f"downloading the URL failed: {exc.message}") from exc
    except TimeoutError as exc:
        raise MediaError(f"downloading the URL took longer than {timeout_s:.0f} s") from exc
    except httpx.HTTPError as exc:
        raise MediaError(f"downloading the URL failed: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
