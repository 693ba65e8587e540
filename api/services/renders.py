"""Clips and overlay videos: frame ranges checked, boxes gathered, bytes cached on disk."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.media.clip import FrameRange, clip_command
from analysis.media.frames import Keyframe
from analysis.media.overlay import Box, encode_command, overlay_frames
from analysis.media.probe import ffmpeg_error_text
from analysis.media.segment import edit_listed_copy_command
from api.services.faces import trace_identities
from api.services.frames import MediaFault, check_frame, require_decodable
from api.services.media_cache import media_cache
from api.services.state import AppState
from graph.errors import ErrorCode, InvalidInput
from graph.sessions import Session

MPEG_TS = "video/mp2t"
MP4 = "video/mp4"


@dataclass(frozen=True)
class Rendered:
    """Either a finished file from the cache, or a body being produced (and cached)."""

    media_type: str
    path: Path | None = None
    cmd: Sequence[str] | None = None
    frames: Iterator[np.ndarray] | None = None  # fed to cmd's stdin (overlays)
    cache_session: str = ""
    cache_name: str = ""


def check_range(session: Session, start: int, end: int) -> FrameRange:
    check_frame(session, start, "start_frame")
    check_frame(session, end, "end_frame")
    if end < start:
        raise InvalidInput(
            f"end_frame {end} is before start_frame {start}", code=ErrorCode.INVALID_FRAME_RANGE
        )
    return FrameRange(start, end)


def range_from_times(session: Session, start_s: float, end_s: float, fps: float) -> FrameRange:
    """Seconds → the frames shown in [start_s, end_s), at ``fps`` (the video's by default)."""
    if start_s < 0 or end_s <= start_s:
        raise InvalidInput(
            "start_time must be ≥ 0 and end_time after it", code=ErrorCode.INVALID_TIME_RANGE
        )
    start = round(start_s * fps)
    return check_range(session, start, max(round(end_s * fps) - 1, start))


async def keyframe_before(state: AppState, session: Session, frame: int) -> Keyframe:
    found = await state.keyframes.at_or_before(session.id, frame)
    if found is None:
        raise MediaFault(f"session {session.id} has no keyframe index; ingest it again")
    return Keyframe(frame=found[0], pts_ms=found[1])


async def clip(
    state: AppState, session: Session, frames: FrameRange, *, audio: bool, debug: bool
) -> Rendered:
    source = require_decodable(state, session)
    settings = state.settings
    name = (
        f"clip-{frames.start}-{frames.end}-a{int(audio)}-d{int(debug)}"
        f"-crf{settings.clip_crf}-{settings.clip_preset}.ts"
    )
    hit = media_cache(settings).get(session.id, name)
    if hit is not None:
        return Rendered(MPEG_TS, path=hit)
    keyframe = await keyframe_before(state, session, frames.start)
    cmd = clip_command(
        source,
        frames,
        keyframe,
        float(session.fps or 0),
        audio=audio and session.has_audio,
        debug=debug,
        crf=settings.clip_crf,
        preset=settings.clip_preset,
    )
    return Rendered(MPEG_TS, cmd=cmd, cache_session=session.id, cache_name=name)


async def edit_listed_copy(
    state: AppState,
    session: Session,
    source: Path,
    start_s: float,
    duration_s: float,
    *,
    audio: bool,
) -> Path:
    """A window stream-copied into an MP4 that plays from the window's first frame (cached)."""
    cache = media_cache(state.settings)
    name = f"copy-{start_s:.6f}-{duration_s:.6f}-a{int(audio)}.mp4"
    hit = cache.get(session.id, name)
    if hit is not None:
        return hit
    part = cache.part_file(session.id, name)
    try:
        cmd = edit_listed_copy_command(
            source, start_s=start_s, duration_s=duration_s, audio=audio, target=part
        )
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, stderr = await proc.communicate()
        finally:
            if proc.returncode is None:  # the client went away: stop copying
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        if proc.returncode != 0:
            detail = ffmpeg_error_text(stderr.decode(errors="replace"), source)
            raise MediaFault(f"could not copy the clip: {detail}")
        return cache.adopt(part, session.id, name)
    finally:
        part.unlink(missing_ok=True)


async def overlay_video(
    state: AppState,
    session: Session,
    frames: FrameRange,
    boxes: dict[int, list[Box]],
    *,
    kind: str,
    audio: bool,
    stamp: bool,
) -> Rendered:
    """``kind`` names the rendering in the cache; the boxes themselves are part of the key."""
    source = require_decodable(state, session)
    settings = state.settings
    digest = hashlib.sha256(repr(sorted(boxes.items())).encode()).hexdigest()[:16]
    name = (
        f"{kind}-{frames.start}-{frames.end}-a{int(audio)}-s{int(stamp)}-{digest}"
        f"-crf{settings.clip_crf}-{settings.clip_preset}.mp4"
    )
    hit = media_cache(settings).get(session.id, name)
    if hit is not None:
        return Rendered(MP4, path=hit)
    fps = float(session.fps or 0)
    keyframe = await keyframe_before(state, session, frames.start)
    cmd = encode_command(
        source,
        frames,
        keyframe,
        fps,
        (session.width or 0, session.height or 0),
        audio=audio and session.has_audio,
        crf=settings.clip_crf,
        preset=settings.clip_preset,
    )
    images = overlay_frames(source, frames, fps, keyframe, boxes, stamp=stamp)
    return Rendered(MP4, cmd=cmd, frames=images, cache_session=session.id, cache_name=name)


async def face_boxes(
    state: AppState,
    session: Session,
    frames: FrameRange,
    *,
    trace_id: int | None = None,
    debug: bool = False,
) -> dict[int, list[Box]]:
    """Traced faces on each frame of the range, labelled with who they are."""
    detections = await state.face_detections.in_range(
        session.id, frames.start, frames.end, trace_id
    )
    labels = await _trace_labels(state, session, {d.trace_id for d in detections if d.trace_id})
    boxes: dict[int, list[Box]] = defaultdict(list)
    for d in detections:
        assert d.trace_id is not None
        label = labels.get(d.trace_id, f"trace {d.trace_id}")
        if debug:
            label = f"#{d.trace_id} {label} {d.confidence:.2f}"
        boxes[d.frame].append(Box(d.x, d.y, d.w, d.h, label, highlight=trace_id is not None))
    return dict(boxes)


async def _trace_labels(state: AppState, session: Session, trace_ids: set[int]) -> dict[int, str]:
    labels: dict[int, str] = {}
    for trace_id, (link, identity) in (await trace_identities(state, session, trace_ids)).items():
        if identity is not None:
            labels[trace_id] = identity.name
        elif link.stranger_id is not None:
            labels[trace_id] = f"stranger {link.stranger_id}"
    return labels
