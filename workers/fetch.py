"""Download a URL to disk with size and time limits, refusing private addresses by default."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from analysis.errors import MediaError

MAX_REDIRECTS = 5


# Cloud metadata endpoints (AWS, AWS over IPv6, Alibaba): never fetched, even from a host
# that is otherwise allowed to resolve to a private address.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(ip) for ip in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")

AddressKind = Literal["public", "private", "forbidden"]


def address_kind(ip: str) -> AddressKind:
    """``public``; ``private`` (loopback, RFC 1918, fc00::/7, CGNAT); or ``forbidden`` always.

    IPv4-mapped and 6to4 IPv6 addresses are judged by the IPv4 address they carry.
    """
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address):
        addr = addr.ipv4_mapped or addr.sixtofour or addr
    if addr.is_loopback:  # before is_reserved, which ::1 (in ::/8) also is
        return "private"
    if (
        addr in METADATA_ADDRESSES
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    ):
        return "forbidden"
    if addr.is_private or addr in CGNAT:
        return "private"
    return "public" if addr.is_global else "forbidden"


async def check_host(url: str, allow_private: bool) -> None:
    """Refuse non-http(s) URLs and hosts resolving to anything but public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaError(f"refusing to fetch {url!r}: only http and https URLs are allowed")
    if allow_private:
        return
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(parts.hostname, parts.port or 80, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise MediaError(f"cannot resolve host {parts.hostname!r}") from exc
    for info in infos:
        if address_kind(str(info[4][0])) != "public":
            raise MediaError(f"refusing to fetch from {parts.hostname}: not a public address")


async def download(
    url: str, target: Path, *, max_bytes: int, timeout_s: float, allow_private: bool
) -> int:
    """Stream ``url`` into ``target`` (via a temp file); returns the byte count."""
    tmp = target.with_name(target.name + ".part")
    try:
        async with (
            asyncio.timeout(timeout_s),
            httpx.AsyncClient(follow_redirects=False, timeout=30.0) as client,
        ):
            for _ in range(MAX_REDIRECTS + 1):
                await check_host(url, allow_private)
                async with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise MediaError(f"downloading the URL failed: HTTP {response.status_code}")
                    size = 0
                    with tmp.open("wb") as fh:
                        async for chunk in response.aiter_bytes(1024 * 1024):
                            size += len(chunk)
                            if size > max_bytes:
                                raise MediaError(
                                    f"the URL's media is larger than {max_bytes} bytes"
                                )
                            fh.write(chunk)
                    tmp.replace(target)
                    return size
            raise MediaError("too many redirects")
    except TimeoutError as exc:
        raise MediaError(f"downloading the URL took longer than {timeout_s:.0f} s") from exc
    except httpx.HTTPError as exc:
        raise MediaError(f"downloading the URL failed: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
