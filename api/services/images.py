"""Untrusted images into pixels: off the event loop, a bounded number at a time, typed errors.

Every image a client sends (identity gallery photos today) is decoded here, so the pixel cap
(``REELGRAPH_MAX_IMAGE_PIXELS``) and the number of decodes running at once
(``REELGRAPH_IMAGE_DECODE_CONCURRENCY``) hold for all of them.
"""

from __future__ import annotations

import asyncio
import functools

import numpy as np

from analysis.errors import MediaError
from analysis.media.image_input import ImageTooLarge, decode_image
from graph.errors import ErrorCode, InvalidInput
from graph.settings import Settings


@functools.cache
def _decode_slots(concurrency: int) -> asyncio.Semaphore:
    """One semaphore per process (per configured size): decodes wait here for a slot."""
    return asyncio.Semaphore(max(concurrency, 1))


async def decode_upload(
    settings: Settings, data: bytes, *, number: int = 1, max_side_px: int | None = None
) -> np.ndarray:
    """BGR pixels of image ``number``; INVALID_IMAGE or IMAGE_TOO_LARGE naming it."""
    async with _decode_slots(settings.image_decode_concurrency):
        try:
            return await asyncio.to_thread(
                decode_image, data, max_pixels=settings.max_image_pixels, max_side_px=max_side_px
            )
        except ImageTooLarge as exc:
            raise InvalidInput(f"image {number}: {exc}", code=ErrorCode.IMAGE_TOO_LARGE) from exc
        except MediaError as exc:
            raise InvalidInput(f"image {number}: {exc}", code=ErrorCode.INVALID_IMAGE) from exc
