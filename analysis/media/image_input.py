"""The one way an untrusted still image is decoded: size read from the header, then bounded.

A few hundred kilobytes of PNG can declare 16384x16384 pixels, and decoding it costs gigabytes
and seconds. So the format and the picture size come from the file's own header first
(:func:`read_header`, which reads a few dozen bytes and decodes nothing); formats outside
:data:`FORMATS` are refused, and so are pictures above the pixel cap (:class:`ImageTooLarge`).
Only then does OpenCV decode. The client's file name and content type play no part.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from analysis.errors import MediaError

FORMATS = ("PNG", "JPEG", "WebP", "BMP")
DEFAULT_MAX_PIXELS = 40_000_000
_UNREADABLE = "not a readable image (PNG, JPEG, WebP or BMP)"
# JPEG start-of-frame markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC)
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})  # TEM, RSTn, SOI


class ImageTooLarge(MediaError):
    """The header declares more pixels than the cap allows; nothing was decoded."""


@dataclass(frozen=True)
class ImageHeader:
    format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def read_header(data: bytes) -> ImageHeader:
    """Format and size from the header alone; MediaError for other formats or a broken header."""
    found: tuple[int, int] | None = None
    kind = ""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, found = "PNG", _png_size(data)
    elif data.startswith(b"\xff\xd8"):
        kind, found = "JPEG", _jpeg_size(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind, found = "WebP", _webp_size(data)
    elif data.startswith(b"BM"):
        kind, found = "BMP", _bmp_size(data)
    if found is None or found[0] <= 0 or found[1] <= 0:
        raise MediaError(_UNREADABLE)
    return ImageHeader(kind, found[0], found[1])


def decode_image(data: bytes, *, max_pixels: int, max_side_px: int | None = None) -> np.ndarray:
    """BGR pixels of ``data``, checked against ``max_pixels`` before any decoding.

    ``max_side_px`` scales the result down (never up) so its longer side fits.
    """
    header = read_header(data)
    if header.pixels > max_pixels:
        raise ImageTooLarge(
            f"the {header.format} image is {header.width}x{header.height} pixels, "
            f"more than the limit of {max_pixels} pixels"
        )
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise MediaError(_UNREADABLE)
    if bgr.shape[0] * bgr.shape[1] != header.pixels:  # the decoder read another size
        raise MediaError(f"{_UNREADABLE}: the header does not match the picture")
    if max_side_px is not None and (scale := max_side_px / max(bgr.shape[:2])) < 1:
        bgr = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return bgr


def _u16be(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 2], "big")


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the marker segments up to the first start-of-frame (EXIF thumbnails are skipped)."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            return None
        if marker in _JPEG_SOF:
            if at + 9 > len(data):
                return None
            return _u16be(data, at + 7), _u16be(data, at + 5)
        at += 2 + _u16be(data, at + 2)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


def _bmp_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 26:
        return None
    header_size = int.from_bytes(data[14:18], "little")
    if header_size == 12:  # OS/2 BITMAPCOREHEADER: unsigned 16-bit sides
        return int.from_bytes(data[18:20], "little"), int.from_bytes(data[20:22], "little")
    width = int.from_bytes(data[18:22], "little", signed=True)
    height = int.from_bytes(data[22:26], "little", signed=True)
    return width, abs(height)  # a negative height is a top-down bitmap
