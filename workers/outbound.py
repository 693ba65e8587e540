"""HTTP requests to URLs that clients name, without opening a way into our own network.

Used by the URL ingest (``workers.fetch``), the media proxy and audio job callbacks
(:func:`post_pinned`). Every hop (the URL, then each redirect) is checked: http(s) only, the
host allow-list if any, and every address the host resolves to. The request then goes to the
checked address itself, with the original ``Host`` header and TLS server name, so a second DNS
answer (DNS rebinding) cannot redirect it.

Metadata and link-local addresses are refused always; private ones (loopback, RFC 1918,
fc00::/7, CGNAT) only where the policy allows them: everywhere (``allow_private``) or for
named ``host:port`` pairs.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import httpx

from graph.errors import ErrorCode, ReelgraphError

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
DEFAULT_PORTS = (80, 443)  # what a private-hosts entry without a port allows

# Cloud metadata endpoints (AWS, AWS over IPv6, Alibaba): never fetched, even from a host
# that is otherwise allowed to resolve to a private address.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(ip) for ip in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")

AddressKind = Literal["public", "private", "forbidden"]


class InvalidURL(ReelgraphError):
    code = ErrorCode.INVALID_URL


class URLForbidden(ReelgraphError):
    code = ErrorCode.URL_FORBIDDEN


class UpstreamError(ReelgraphError):
    code = ErrorCode.UPSTREAM_ERROR


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


def host_key(host: str) -> str:
    """A host as settings list it: lower case, no trailing dot, brackets off, IPs in one form."""
    host = host.strip().strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower().rstrip(".")


def parse_host_ports(entries: Iterable[str]) -> frozenset[tuple[str, int]]:
    """``host:port`` entries (``[v6]:port`` for IPv6); a bare host means ports 80 and 443.

    An entry that cannot be read is logged and grants nothing.
    """
    pairs: set[tuple[str, int]] = set()
    for entry in entries:
        host, port = entry.strip(), ""
        if host.startswith("["):
            host, _, rest = host[1:].partition("]")
            port = rest.removeprefix(":")
        elif host.count(":") == 1:
            host, _, port = host.partition(":")
        if not host or (port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536)):
            log.warning("ignoring the private-hosts entry %r: not host or host:port", entry)
            continue
        pairs.update((host_key(host), int(p)) for p in ([port] if port else DEFAULT_PORTS))
    return frozenset(pairs)


@dataclass(frozen=True)
class AddressPolicy:
    """Which hosts and addresses a fetch may reach."""

    allow_private: bool = False  # every private address (never metadata or link-local)
    private_hosts: frozenset[tuple[str, int]] = frozenset()  # (host, port) that may be private
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)  # empty: any host


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    host: str  # as getaddrinfo takes it (IDNA-encoded)
    port: int


def parse_target(raw: str) -> Target:
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise InvalidURL(f"the url cannot be parsed: {exc}") from exc
    if url.scheme not in ("http", "https"):
        raise InvalidURL("only http and https URLs can be fetched")
    if not url.host:
        raise InvalidURL("the url has no host")
    if url.userinfo:
        raise InvalidURL("the url must not carry credentials")
    port = url.port or (443 if url.scheme == "https" else 80)
    if not 0 < port < 65536:
        raise InvalidURL(f"the url's port {port} is out of range")
    return Target(url, url.raw_host.decode("ascii"), port)


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UpstreamError(f"cannot resolve host {host}") from exc
    return [str(info[4][0]) for info in infos]


async def checked_address(target: Target, policy: AddressPolicy) -> str:
    """The address to connect to, once the host and all its addresses pass the policy."""
    host = host_key(target.host)
    if policy.allowed_hosts and host not in policy.allowed_hosts:
        raise URLForbidden(f"{host} is not on the list of allowed hosts")
    may_be_private = policy.allow_private or (host, target.port) in policy.private_hosts
    addresses = await _resolve(target.host, target.port)
    if not addresses:
        raise UpstreamError(f"cannot resolve host {host}")
    for address in addresses:
        kind = address_kind(address)
        if kind == "forbidden" or (kind == "private" and not may_be_private):
            raise URLForbidden(f"{host} resolves to an address that may not be fetched")
    return addresses[0]


def pinned_client(timeout_s: float) -> httpx.AsyncClient:
    """A client for :func:`get_pinned`.

    ``trust_env=False``: an HTTP(S)_PROXY from the environment would resolve names itself;
    no kept-alive connections, so one hop's connection never carries another host's request.
    """
    return httpx.AsyncClient(
        timeout=timeout_s,
        trust_env=False,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def _redirect(target: Target, location: str) -> Target:
    try:
        return parse_target(str(target.url.join(location)))
    except (InvalidURL, httpx.InvalidURL) as exc:
        raise URLForbidden("the server redirected to a URL that cannot be fetched") from exc


async def get_pinned(
    client: httpx.AsyncClient,
    raw_url: str,
    policy: AddressPolicy,
    *,
    headers: Mapping[str, str] | None = None,
    max_redirects: int = MAX_REDIRECTS,
) -> httpx.Response:
    """GET ``raw_url``, following redirects, every hop checked and sent to its checked address.

    The final (non-redirect) response is returned unread: the caller streams and closes it.
    """
    target = parse_target(raw_url)
    for _ in range(max_redirects + 1):
        address = await checked_address(target, policy)
        request = client.build_request(
            "GET",
            target.url.copy_with(host=address),
            headers={**(headers or {}), "Host": target.url.netloc.decode("ascii")},
            extensions={"sni_hostname": target.host},
        )
        response = await client.send(request, stream=True)
        if not response.is_redirect:
            return response
        await response.aclose()
        target = _redirect(target, response.headers.get("location", ""))
    raise UpstreamError(f"the server redirected more than {max_redirects} times")


async def post_pinned(
    client: httpx.AsyncClient,
    raw_url: str,
    policy: AddressPolicy,
    *,
    content: bytes,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """POST ``content`` to ``raw_url`` at its checked address; redirects are not followed.

    The response is read in full (a callback's answer is small; the client's timeout bounds it).
    """
    target = parse_target(raw_url)
    address = await checked_address(target, policy)
    request = client.build_request(
        "POST",
        target.url.copy_with(host=address),
        content=content,
        headers={**(headers or {}), "Host": target.url.netloc.decode("ascii")},
        extensions={"sni_hostname": target.host},
    )
    return await client.send(request)
