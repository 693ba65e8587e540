"""Seed 004's JSON routes: representative faces, first co-occurrence, representative frame."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.rest.errors import typed_errors
from api.rest.params import int_path, request_context
from api.services.faces import co_occurrence, require_stranger, require_trace, thumbnail_url
from api.services.frames import frame_seconds, require_video
from api.services.representative_frame import representative_frame
from api.services.sessions import require_session
from graph.errors import ErrorCode, NotFound
from graph.face_detections import RepresentativeFace
from graph.sessions import Session


def _bbox(x: float, y: float, w: float, h: float) -> dict[str, int]:
    return {"x": round(x), "y": round(y), "width": round(w), "height": round(h)}


def _representative(session: Session, rep: RepresentativeFace | None) -> dict[str, Any] | None:
    if rep is None:
        return None
    return {
        "frame_number": rep.frame,
        "timestamp_secs": frame_seconds(rep.frame, session.fps),
        "bbox": _bbox(rep.x, rep.y, rep.w, rep.h),
        "confidence": round(rep.confidence, 4),
        "quality_score": round(rep.quality, 2),
        "blur_score": round(rep.blur, 3) if rep.blur is not None else None,
    }


@typed_errors
async def trace_representative_face(request: Request) -> Response:
    state, principal = request_context(request)
    session = await require_session(state, principal, request.path_params["file_uuid"])
    trace = await require_trace(
        state, principal, session.id, int_path(request, "trace_id", ErrorCode.TRACE_NOT_FOUND)
    )
    return JSONResponse(
        {
            "success": True,
            "file_uuid": session.id,
            "trace_id": trace.trace_id,
            "face_count": trace.face_count,
            "representative": _representative(session, trace.representative),
        }
    )


@typed_errors
async def stranger_representative_face(request: Request) -> Response:
    state, principal = request_context(request)
    session = await require_session(state, principal, request.path_params["file_uuid"])
    stranger = await require_stranger(
        state, session, int_path(request, "stranger_id", ErrorCode.STRANGER_NOT_FOUND)
    )
    return JSONResponse(
        {
            "success": True,
            "file_uuid": session.id,
            "stranger_id": stranger.stranger_id,
            "face_count": stranger.face_count,
            "representative": _representative(session, stranger.representative),
        }
    )


@typed_errors
async def co_occur(request: Request) -> Response:
    state, principal = request_context(request)
    session_id = request.path_params["file_uuid"]
    a, b = request.path_params["identity_a"], request.path_params["identity_b"]
    found = await co_occurrence(state, principal, session_id, a, b)
    if found is None:
        raise NotFound(
            "the two identities never appear together in this file", code=ErrorCode.NO_COOCCURRENCE
        )
    session = found.session

    def face(trace_rep: RepresentativeFace | None, trace_id: int) -> dict[str, Any] | None:
        if trace_rep is None:
            return None
        return {
            "frame_number": trace_rep.frame,
            "bbox": _bbox(trace_rep.x, trace_rep.y, trace_rep.w, trace_rep.h),
            "confidence": round(trace_rep.confidence, 4),
            "thumbnail_url": thumbnail_url(session.id, trace_id),
        }

    return JSONResponse(
        {
            "success": True,
            "file_uuid": session.id,
            "identity_a": {
                "identity_uuid": found.identity_a.id,
                "name": found.identity_a.name,
                "trace_id": found.trace_a.trace_id,
            },
            "identity_b": {
                "identity_uuid": found.identity_b.id,
                "name": found.identity_b.name,
                "trace_id": found.trace_b.trace_id,
            },
            "first_cooccurrence": {
                "frame_number": found.first_frame,
                "timestamp_secs": frame_seconds(found.first_frame, session.fps),
                "total_cooccurrence_frames": found.total_frames,
                "representative_face_a": face(found.trace_a.representative, found.trace_a.trace_id),
                "representative_face_b": face(found.trace_b.representative, found.trace_b.trace_id),
            },
        }
    )


@typed_errors
async def representative_frame_json(request: Request) -> Response:
    state, principal = request_context(request)
    session = await require_session(state, principal, request.path_params["file_uuid"])
    require_video(session)
    chosen = await representative_frame(state, session)
    return JSONResponse(
        {
            "success": True,
            "file_uuid": session.id,
            "frame_number": chosen.frame,
            "timestamp_secs": frame_seconds(chosen.frame, session.fps),
            "face_quality": round(chosen.face_quality, 2) if chosen.face_quality else None,
            "selected_by": chosen.reason,
            "main_identities": [
                {
                    "identity_uuid": m.identity.id,
                    "name": m.identity.name,
                    "face_count": m.face_count,
                }
                for m in chosen.main_identities
            ],
            "traces": [
                {
                    "trace_id": f.detection.trace_id,
                    "identity_uuid": f.identity.id if f.identity else None,
                    "name": f.identity.name if f.identity else None,
                    **_bbox(f.detection.x, f.detection.y, f.detection.w, f.detection.h),
                    "confidence": round(f.detection.confidence, 4),
                }
                for f in chosen.faces
            ],
        }
    )
