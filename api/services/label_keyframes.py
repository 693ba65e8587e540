"""Seed 000's keyframe screenshots: the frame at a label's start or end, cropped to its box."""

from __future__ import annotations

import math
from pathlib import Path

from analysis.media.frames import Crop
from api.services.frames import frame_jpeg, require_video
from api.services.ocr_keyframes import is_landscape_ocr, upright_jpeg
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, InvalidInput, NotFound

EDGES = ("start", "end")


def frame_at(t_ms: float, fps: float, frame_count: int) -> int:
    """The frame on screen at ``t_ms`` (frame n is shown from n / fps), within the video."""
    position = t_ms * fps / 1000.0 + 1e-6
    if not position < frame_count:  # past the end (or not finite: a label stored unbounded)
        return frame_count - 1
    return max(math.floor(position), 0)


async def label_keyframe(state: AppState, principal: Principal, label_id: str, edge: str) -> Path:
    """A cached JPEG of the frame at the label's ``start`` or ``end`` time.

    Cropped to the label's first ``video_box`` so a user sees what an OCR or quality request
    reads; the whole frame for a label without one. An ``ocr-request`` with ``landscape`` shows
    its crop turned upright, exactly as OCR reads it before any ``target_height`` resize.
    """
    if edge not in EDGES:
        raise InvalidInput(
            f"keyframe must be 'start' or 'end', not {edge!r}", code=ErrorCode.INVALID_EDGE
        )
    label = await state.labels.get(label_id, principal.org_id)
    if label is None:
        raise NotFound(f"label {label_id} not found", code=ErrorCode.LABEL_NOT_FOUND)
    session = await require_session(state, principal, label.session_id)
    require_video(session)
    assert session.fps and session.frame_count
    t_ms = label.start_ms if edge == "start" else label.end_ms
    frame = frame_at(t_ms, float(session.fps), session.frame_count)
    crop = None
    if label.video_box:
        x0, y0, x1, y1 = label.video_box[0]
        crop = Crop(x0, y0, x1 - x0, y1 - y0)
    if crop is not None and is_landscape_ocr(label):
        return await upright_jpeg(state, session, frame, crop)
    return await frame_jpeg(state, session, frame, crop)
