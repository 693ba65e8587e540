"""Constant-memory file responses with RFC 7232 conditionals and RFC 7233 single byte ranges."""

from __future__ import annotations

import os
import re
import stat
from email.utils import formatdate, mktime_tz, parsedate_tz
from pathlib import Path

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.types import Receive, Scope, Send

from graph.errors import ErrorCode, NotFound, ReelgraphError

__all__ = [
    "PRIVATE_MEDIA_CACHE",
    "RangeNotSatisfiable",
    "etag_for",
    "file_response",
    "http_date",
    "parse_byte_range",
]

# Every media answer belongs to one org: browsers may keep it (ETag revalidation after a day),
# shared caches (CDNs, proxies) must not, since the URL alone does not say whose it is.
PRIVATE_MEDIA_CACHE = "private, max-age=86400"
DEFAULT_CHUNK_SIZE = 512 * 1024  # fastest of 64 KiB..1 MiB in benchmarks/bench_range_streaming.py
_RANGE_SPEC = re.compile(r"(\d*)-(\d*)", re.ASCII)


class RangeNotSatisfiable(ReelgraphError):
    """A syntactically valid byte range that selects no byte of the file (HTTP 416)."""

    code = ErrorCode.RANGE_NOT_SATISFIABLE

    def __init__(self, size: int) -> None:
        super().__init__(f"range not satisfiable for a {size}-byte file", size=size)
        self.size = size


def parse_byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Parse one ``Range`` header into an inclusive ``(start, end)``; None means send it all."""
    if header is None:
        return None
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes" or "," in spec:
        return None
    match = _RANGE_SPEC.fullmatch(spec.strip())
    if match is None or match[0] == "-":
        return None
    first, last = (int(g) if g else None for g in match.groups())
    if first is None:
        assert last is not None
        if last == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return max(size - last, 0), size - 1
    if last is not None and last < first:
        return None
    if first >= size:
        raise RangeNotSatisfiable(size)
    return first, size - 1 if last is None else min(last, size - 1)


def etag_for(path: str | os.PathLike[str] | os.stat_result) -> str:
    """Quoted ETag derived from size and ``st_mtime_ns`` (stats ``path`` unless given a stat)."""
    st = path if isinstance(path, os.stat_result) else os.stat(path)
    return f'"{st.st_size:x}-{st.st_mtime_ns:x}"'


def http_date(timestamp: float) -> str:
    """Format a POSIX timestamp as an IMF-fixdate (``Last-Modified``)."""
    return formatdate(timestamp, usegmt=True)


def _parse_http_date(value: str) -> int | None:
    """Parse an HTTP date into a POSIX timestamp; None when malformed."""
    parsed = parsedate_tz(value)
    try:
        return None if parsed is None else mktime_tz(parsed)
    except (OverflowError, ValueError):
        return None


def _etag_in(header: str, etag: str, *, weak: bool) -> bool:
    """Whether ``etag`` matches a comma list (``*`` included); weak comparison strips ``W/``."""
    for tag in (t.strip() for t in header.split(",")):
        if tag == "*" or tag == etag or (weak and tag.removeprefix("W/") == etag):
            return True
    return False


def _precondition(req: Request, etag: str, mtime: int) -> int | None:
    """Evaluate RFC 7232 section 6 preconditions; returns 412, 304 or None to proceed."""
    h = req.headers
    if (if_match := h.get("if-match")) is not None:
        if not _etag_in(if_match, etag, weak=False):
            return 412
    elif (ius := h.get("if-unmodified-since")) is not None:
        since = _parse_http_date(ius)
        if since is not None and mtime > since:
            return 412
    if (if_none_match := h.get("if-none-match")) is not None:
        return 304 if _etag_in(if_none_match, etag, weak=True) else None
    if (ims := h.get("if-modified-since")) is not None:
        since = _parse_http_date(ims)
        if since is not None and mtime <= since:
            return 304
    return None


def _if_range_allows(value: str | None, etag: str, mtime: int) -> bool:
    """RFC 7233 section 3.2: a strong ETag or exact date match keeps the Range, else full 200."""
    if value is None:
        return True
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag
    return _parse_http_date(value) == mtime


class _SliceFileResponse(FileResponse):
    """Starlette's streaming ``FileResponse`` fed with our already-validated range decision."""

    def __init__(
        self,
        path: Path,
        st: os.stat_result,
        headers: dict[str, str],
        media_type: str,
        byte_range: tuple[int, int] | None,
        chunk_size: int,
    ) -> None:
        super().__init__(path, headers=headers, media_type=media_type, stat_result=st)
        self.byte_range = byte_range
        self.chunk_size = chunk_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Replace the client's Range/If-Range headers by the normalised decision, then stream."""
        raw = [(k, v) for k, v in scope["headers"] if k not in (b"range", b"if-range")]
        if self.byte_range is not None:
            raw.append((b"range", b"bytes=%d-%d" % self.byte_range))
        await super().__call__({**scope, "headers": raw}, receive, send)


async def file_response(
    request: Request,
    path: Path,
    media_type: str,
    *,
    cache_control: str = PRIVATE_MEDIA_CACHE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Response:
    """Serve ``path`` for GET/HEAD with validators, conditionals and a single byte range."""
    try:
        st = await anyio.to_thread.run_sync(os.stat, path)
    except (FileNotFoundError, NotADirectoryError):
        raise NotFound("file not found") from None
    if not stat.S_ISREG(st.st_mode):
        raise NotFound("not a regular file")
    etag, mtime, size = etag_for(st), int(st.st_mtime), st.st_size
    headers = {
        "accept-ranges": "bytes",
        "etag": etag,
        "last-modified": http_date(st.st_mtime),
        "cache-control": cache_control,
    }
    if (status := _precondition(request, etag, mtime)) is not None:
        return Response(status_code=status, headers=headers)
    byte_range = None
    if _if_range_allows(request.headers.get("if-range"), etag, mtime):
        try:
            byte_range = parse_byte_range(request.headers.get("range"), size)
        except RangeNotSatisfiable:
            headers["content-range"] = f"bytes */{size}"
            return Response(b"", status_code=416, headers=headers)
    return _SliceFileResponse(path, st, headers, media_type, byte_range, chunk_size)
