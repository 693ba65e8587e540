"""Synthesised hostile images: tiny files whose headers declare enormous pictures."""

from __future__ import annotations

import struct
import zlib


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int) -> bytes:
    """A valid all-black greyscale PNG of ``width`` x ``height``: a few hundred KB at most.

    Rows are compressed one at a time, so building it never holds the raw picture.
    """
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte "none", then black pixels
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
