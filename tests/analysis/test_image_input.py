"""Untrusted still images: size from the header, refusal before decoding, the allowed formats."""

from __future__ import annotations

import resource
import time

import cv2
import numpy as np
import pytest

from analysis.errors import MediaError
from analysis.media.image_input import ImageTooLarge, decode_image, read_header
from tests.support.image_bombs import png_bomb

WIDTH, HEIGHT = 257, 123


def _picture() -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(0, 255, (HEIGHT, WIDTH, 3), dtype=np.uint8)


def _encode(ext: str, *params: int) -> bytes:
    ok, buf = cv2.imencode(ext, _picture(), list(params))
    assert ok
    return buf.tobytes()


ENCODINGS = {
    "PNG": lambda: _encode(".png"),
    "JPEG": lambda: _encode(".jpg"),
    "JPEG progressive": lambda: _encode(".jpg", cv2.IMWRITE_JPEG_PROGRESSIVE, 1),
    "WebP lossy": lambda: _encode(".webp", cv2.IMWRITE_WEBP_QUALITY, 80),
    "WebP lossless": lambda: _encode(".webp", cv2.IMWRITE_WEBP_QUALITY, 101),
    "BMP": lambda: _encode(".bmp"),
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_header_size_matches_the_decoded_picture(name: str) -> None:
    data = ENCODINGS[name]()
    header = read_header(data)
    assert header.format == name.split()[0]
    assert (header.width, header.height) == (WIDTH, HEIGHT)
    assert decode_image(data, max_pixels=WIDTH * HEIGHT).shape == (HEIGHT, WIDTH, 3)


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    """A 16384x16384 PNG of a few hundred KB: refused in milliseconds, no memory spent."""
    bomb = png_bomb(16384, 16384)
    assert len(bomb) < 1024 * 1024
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(ImageTooLarge, match="16384x16384"):
        decode_image(bomb, max_pixels=40_000_000)
    assert time.perf_counter() - started < 0.1
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert grown_kib < 50 * 1024, "the picture was decoded"


def test_the_cap_is_width_times_height() -> None:
    data = ENCODINGS["PNG"]()
    with pytest.raises(ImageTooLarge):
        decode_image(data, max_pixels=WIDTH * HEIGHT - 1)


def test_a_jpeg_declaring_a_huge_frame_is_refused() -> None:
    data = bytearray(ENCODINGS["JPEG"]())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = (60000).to_bytes(2, "big") + (60000).to_bytes(2, "big")
    assert (read_header(bytes(data)).width, read_header(bytes(data)).height) == (60000, 60000)
    with pytest.raises(ImageTooLarge):
        decode_image(bytes(data), max_pixels=40_000_000)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"II*\x00\x08\x00\x00\x00",  # TIFF
        b"<svg xmlns='http://www.w3.org/2000/svg' width='99999' height='99999'/>",
        b"\x89PNG\r\n\x1a\n\x00\x00",  # truncated before IHDR
        b"\xff\xd8\xff\xe0\x00\x10JFIF",  # JPEG cut before its frame header
    ],
)
def test_other_formats_and_broken_headers_are_unreadable(data: bytes) -> None:
    with pytest.raises(MediaError, match="not a readable image") as raised:
        decode_image(data, max_pixels=40_000_000)
    assert not isinstance(raised.value, ImageTooLarge)


def test_a_valid_header_over_garbage_is_unreadable() -> None:
    data = ENCODINGS["PNG"]()[:40]
    assert read_header(data).width == WIDTH
    with pytest.raises(MediaError, match="not a readable image"):
        decode_image(data, max_pixels=40_000_000)


def test_max_side_scales_down_only() -> None:
    data = ENCODINGS["PNG"]()
    assert decode_image(data, max_pixels=10**6, max_side_px=100).shape[:2] == (48, 100)
    assert decode_image(data, max_pixels=10**6, max_side_px=1000).shape[:2] == (HEIGHT, WIDTH)
