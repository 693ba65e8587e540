"""Frame-exact JPEGs of a session's video, cached on disk by (session, frame, crop, size)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from analysis.errors import MediaError
from analysis.media.frames import (
    Crop,
    Keyframe,
    crop_and_resize,
    encode_jpeg,
    read_frame,
    square_face_crop,
)
from api.services.media_cache import media_cache
from api.services.state import AppState
from graph.errors import Conflict, ErrorCode, InvalidInput, NotFound, ReelgraphError
from graph.face_detections import RepresentativeFace
from graph.sessions import Session, SessionStatus

FACE_THUMBNAIL_PX = 320


class MediaFault(ReelgraphError):
    """The media could not be decoded although it was ingested: a server-side fault."""

    code = ErrorCode.MEDIA_ERROR


def require_video(session: Session) -> Path:
    """The session's video file, or a typed error saying why there is none to read."""
    if session.status is not SessionStatus.READY:
        raise Conflict(
            f"session {session.id} is {session.status.value}, not READY", code=ErrorCode.NOT_READY
        )
    if session.kind != "video" or not session.fps or not session.frame_count:
        raise InvalidInput("the session has no video stream", code=ErrorCode.NO_VIDEO)
    if not session.media_path or not Path(session.media_path).is_file():
        raise NotFound("the session's media is not available", code=ErrorCode.MEDIA_NOT_FOUND)
    return Path(session.media_path)


class VideoTooLarge(ReelgraphError):
    """The session's pictures exceed ``REELGRAPH_MAX_VIDEO_PIXELS``: the API decodes none."""

    code = ErrorCode.VIDEO_TOO_LARGE


def require_decodable(state: AppState, session: Session) -> Path:
    """:func:`require_video`, and pictures small enough to decode (by the stored size)."""
    source = require_video(session)
    width, height, cap = session.width or 0, session.height or 0, state.settings.max_video_pixels
    if width <= 0 or height <= 0:
        raise MediaFault(f"session {session.id} has no picture size; ingest it again")
    if width * height > cap:
        raise VideoTooLarge(
            f"the video's {width}x{height} pictures exceed the limit of {cap} pixels"
        )
    return source


def check_frame(session: Session, frame: int, name: str = "frame") -> int:
    total = session.frame_count or 0
    if not 0 <= frame < total:
        raise InvalidInput(
            f"{name} {frame} is outside the video (frames 0-{total - 1})",
            code=ErrorCode.INVALID_FRAME,
        )
    return frame


def frame_seconds(frame: int, fps: float | None) -> float:
    """Seed 004's ``timestamp_secs``: frame / fps, to the millisecond."""
    return round(frame / fps, 3) if fps else 0.0


async def frame_jpeg(
    state: AppState, session: Session, frame: int, crop: Crop | None = None, size: int | None = None
) -> Path:
    """Path of a cached JPEG of ``frame`` (optionally cropped, then scaled to size x size)."""
    source = require_decodable(state, session)
    check_frame(session, frame)
    if crop is not None and not crop.fits(session.width or 0, session.height or 0):
        raise InvalidInput(
            f"the crop {crop.w}x{crop.h}+{crop.x}+{crop.y} does not fit the "
            f"{session.width}x{session.height} frame",
            code=ErrorCode.INVALID_CROP,
        )
    quality = state.settings.jpeg_quality
    name = f"frame-{frame}"
    if crop is not None:
        name += f"-crop{crop.x}_{crop.y}_{crop.w}_{crop.h}"
    if size is not None:
        name += f"-{size}px"
    name += f"-q{quality}.jpg"
    cache = media_cache(state.settings)
    hit = cache.get(session.id, name)
    if hit is not None:
        return hit
    index = await state.keyframes.at_or_before(session.id, frame)
    keyframe = Keyframe(frame=index[0], pts_ms=index[1]) if index else None
    fps = float(session.fps or 0)
    try:
        jpeg = await asyncio.to_thread(_render, source, frame, fps, keyframe, crop, size, quality)
    except MediaError as exc:
        raise MediaFault(f"frame {frame} could not be decoded: {exc}") from exc
    return cache.put(session.id, name, jpeg)


def _render(
    source: Path,
    frame: int,
    fps: float,
    keyframe: Keyframe | None,
    crop: Crop | None,
    size: int | None,
    quality: int,
) -> bytes:
    image = read_frame(source, frame, fps, keyframe)
    return encode_jpeg(crop_and_resize(image, crop, size), quality)


async def face_jpeg(state: AppState, session: Session, face: RepresentativeFace) -> Path:
    """Seed 004's 320x320 face thumbnail: a square around the face, scaled."""
    crop = square_face_crop(face.x, face.y, face.w, face.h, session.width or 0, session.height or 0)
    return await frame_jpeg(state, session, face.frame, crop, FACE_THUMBNAIL_PX)
