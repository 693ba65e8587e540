"""Request bodies streamed to disk under a size limit: raw bytes, or one multipart file part.

Nothing is spooled first: each chunk goes to ``<target>.part`` as it arrives, and the upload
stops at the first byte past the limit. Starlette's form parser would store a whole multipart
body in a temporary file before the route could look at its size, so the multipart framing is
parsed here with python-multipart's streaming parser (the one Starlette uses underneath).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from graph.errors import ErrorCode, InvalidInput, PayloadTooLarge

MAX_PARTS = 10
MAX_FIELD_BYTES = 64 * 1024  # all parts other than the file together


class LimitedFile:
    """``target`` written through ``<target>.part``; PayloadTooLarge past ``limit`` bytes.

    Only :meth:`commit` makes ``target`` appear; leaving the block otherwise removes the part
    file (and the upload's directory when it is left empty).
    """

    def __init__(self, target: Path, limit: int) -> None:
        self.target = target
        self.part = target.with_name(target.name + ".part")
        self.limit = limit
        self.size = 0
        self._fh: IO[bytes] | None = None

    def __enter__(self) -> LimitedFile:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.part.open("wb")
        return self

    def write(self, chunk: bytes) -> None:
        assert self._fh is not None
        self.size += len(chunk)
        if self.size > self.limit:
            raise PayloadTooLarge(f"uploads are limited to {self.limit} bytes")
        self._fh.write(chunk)

    def commit(self) -> None:
        assert self._fh is not None
        self._fh.close()
        self.part.replace(self.target)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._fh is not None
        self._fh.close()
        if not self.target.exists():
            self.part.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self.target.parent.rmdir()


@dataclass
class FilePart:
    """What the client said about the file part (kept as metadata, never as a path)."""

    filename: str | None
    content_type: str | None
    complete: bool = False


class _FilePartParser:
    """python-multipart callbacks: the ``field`` part with a filename goes to ``out``."""

    def __init__(self, out: LimitedFile, field: str) -> None:
        self.out = out
        self.field = field.encode()
        self.file: FilePart | None = None
        self.parts = 0
        self.field_bytes = 0
        self._in_file = False
        self._headers: dict[bytes, bytes] = {}
        self._name = b""
        self._value = b""

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise InvalidInput(
                f"at most {MAX_PARTS} multipart parts", code=ErrorCode.TOO_MANY_PARTS
            )
        self._headers, self._in_file = {}, False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._name.strip().lower()] = self._value.strip()
        self._name = self._value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        if options.get(b"name") != self.field or b"filename" not in options:
            return
        if self.file is not None:
            raise InvalidInput("send one 'file' part per upload", code=ErrorCode.TOO_MANY_FILES)
        content_type = self._headers.get(b"content-type")
        self.file = FilePart(
            filename=options[b"filename"].decode("utf-8", "replace") or None,
            content_type=content_type.decode("latin-1") if content_type else None,
        )
        self._in_file = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.out.write(data[start:end])
            return
        self.field_bytes += end - start
        if self.field_bytes > MAX_FIELD_BYTES:
            raise PayloadTooLarge(f"parts other than 'file' are limited to {MAX_FIELD_BYTES} bytes")

    def on_part_end(self) -> None:
        if self._in_file:
            assert self.file is not None
            self.file.complete = True
            self._in_file = False


async def save_multipart_file(
    content_type: str, chunks: AsyncIterator[bytes], out: LimitedFile, *, field: str = "file"
) -> FilePart:
    """Stream the multipart body's ``field`` file part into ``out``; the other parts are read
    and dropped (bounded). InvalidInput NO_FILE when there is none."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise InvalidInput("the multipart body has no boundary", code=ErrorCode.INVALID_MULTIPART)
    handler = _FilePartParser(out, field)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": handler.on_part_begin,
            "on_part_data": handler.on_part_data,
            "on_part_end": handler.on_part_end,
            "on_header_field": handler.on_header_field,
            "on_header_value": handler.on_header_value,
            "on_header_end": handler.on_header_end,
            "on_headers_finished": handler.on_headers_finished,
        },
    )
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise InvalidInput(
            "the multipart body is malformed", code=ErrorCode.INVALID_MULTIPART
        ) from exc
    if handler.file is None:
        raise InvalidInput(f"multipart uploads need a {field!r} file part", code=ErrorCode.NO_FILE)
    if not handler.file.complete:
        raise InvalidInput(
            "the multipart body ends inside the file", code=ErrorCode.INVALID_MULTIPART
        )
    return handler.file
