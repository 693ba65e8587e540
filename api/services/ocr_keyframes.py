"""The keyframe screenshot of a landscape ``ocr-request``: its crop turned as OCR turns it.

OCR reads a landscape request's crop a quarter turn clockwise (analysis/ocr/crop.py); the
screenshot a user checks the box with must show the same picture, so it is rendered from the
decoded frame with the very same function, then cached like every frame JPEG.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from analysis.errors import MediaError
from analysis.media.frames import Crop, Keyframe, crop_and_resize, encode_jpeg, read_frame
from analysis.ocr.crop import upright
from api.services.frames import MediaFault, check_frame, require_decodable
from api.services.media_cache import media_cache
from api.services.state import AppState
from graph.errors import ErrorCode, InvalidInput
from graph.labels import Label
from graph.sessions import Session


def is_landscape_ocr(label: Label) -> bool:
    data = label.data
    return (
        label.label_type == "ocr-request"
        and isinstance(data, dict)
        and data.get("landscape") is True
    )


async def upright_jpeg(state: AppState, session: Session, frame: int, crop: Crop) -> Path:
    """A cached JPEG of ``frame`` cropped to ``crop`` and turned upright for landscape."""
    source = require_decodable(state, session)
    check_frame(session, frame)
    if not crop.fits(session.width or 0, session.height or 0):
        raise InvalidInput(
            f"the crop {crop.w}x{crop.h}+{crop.x}+{crop.y} does not fit the "
            f"{session.width}x{session.height} frame",
            code=ErrorCode.INVALID_CROP,
        )
    quality = state.settings.jpeg_quality
    name = f"frame-{frame}-crop{crop.x}_{crop.y}_{crop.w}_{crop.h}-landscape-q{quality}.jpg"
    cache = media_cache(state.settings)
    hit = cache.get(session.id, name)
    if hit is not None:
        return hit
    index = await state.keyframes.at_or_before(session.id, frame)
    keyframe = Keyframe(frame=index[0], pts_ms=index[1]) if index else None
    fps = float(session.fps or 0)

    def render() -> bytes:
        image = read_frame(source, frame, fps, keyframe)
        return encode_jpeg(upright(crop_and_resize(image, crop), landscape=True), quality)

    try:
        jpeg = await asyncio.to_thread(render)
    except MediaError as exc:
        raise MediaFault(f"frame {frame} could not be decoded: {exc}") from exc
    return cache.put(session.id, name, jpeg)
