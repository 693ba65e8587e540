"""Seed 004's auto-detect chain: the one frame that best represents a video.

1. Main characters: the two identities with the most face detections in the session, among
   identities whose ``source`` is in ``REELGRAPH_MAIN_IDENTITY_SOURCES`` (seed: TMDb).
2. Mutual gaze: the ``mutual_gaze_first_frame`` of a CO_OCCURS_WITH edge between their traces.
3. Co-occurrence: else the first frame on which both are on screen.
4. Single identity: with one main identity, its highest-quality face.
5. Any identity: the highest-quality face of any identified trace.
6. Any face (beyond the seed, so a video of strangers still gets a frame): the highest-quality
   face of any trace. No face at all: NO_FACES (404).

Every step only considers frames in the first half of the video (``frame_count / 2``), as the
seed says. When no step finds anything there (every face appears late), the chain runs again
over the whole video rather than answering 404 for a video that does show faces.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from api.services.faces import trace_identities
from api.services.state import AppState
from graph.errors import ErrorCode, NotFound
from graph.face_detections import FaceDetection
from graph.faces import CoOccurs, FaceTrace, trace_key
from graph.identities import Identity
from graph.sessions import Session


@dataclass(frozen=True)
class MainIdentity:
    identity: Identity
    face_count: int
    trace_ids: tuple[int, ...]


@dataclass(frozen=True)
class FrameFace:
    """A traced face on the chosen frame, with who it is when known."""

    detection: FaceDetection
    identity: Identity | None


@dataclass(frozen=True)
class RepresentativeFrame:
    frame: int
    reason: str  # mutual_gaze | co_occurrence | main_identity | any_identity | any_face
    face_quality: float | None
    main_identities: list[MainIdentity]
    faces: list[FrameFace]


def main_identities(
    pairs: list[tuple[Identity, FaceTrace]], sources: tuple[str, ...]
) -> list[MainIdentity]:
    """The two identities (of these sources) with the most face detections."""
    counts: dict[str, int] = defaultdict(int)
    traces: dict[str, list[int]] = defaultdict(list)
    by_id: dict[str, Identity] = {}
    for identity, trace in pairs:
        if (identity.source or "").lower() not in sources:
            continue
        by_id[identity.id] = identity
        counts[identity.id] += trace.face_count
        traces[identity.id].append(trace.trace_id)
    ranked = sorted(counts, key=lambda i: (-counts[i], by_id[i].name, i))[:2]
    return [MainIdentity(by_id[i], counts[i], tuple(sorted(traces[i]))) for i in ranked]


async def representative_frame(
    state: AppState, session: Session, *, start: int = 0, end: int | None = None
) -> RepresentativeFrame:
    """The chain over frames start..end (inclusive; default the whole video)."""
    last = (session.frame_count or 1) - 1 if end is None else end
    identified = await state.identities.session_traces(session.id)
    mains = main_identities(identified, state.settings.main_identity_sources)
    edges = await _edges_between(state, session.id, mains) if len(mains) == 2 else []
    steps: list[tuple[list[int] | None, str]] = []
    if len(mains) == 1:
        steps.append((list(mains[0].trace_ids), "main_identity"))
    if identified:
        steps.append((sorted({t.trace_id for _, t in identified}), "any_identity"))
    steps.append((None, "any_face"))
    half = start + (last - start + 2) // 2
    found = await _chain(state, session.id, edges, steps, start, half) or await _chain(
        state, session.id, edges, steps, start, last + 1
    )
    if found is None:
        raise NotFound("no face was found in this video", code=ErrorCode.NO_FACES)
    frame, reason = found
    faces = await faces_at(state, session, frame)
    quality = max((f.detection.quality for f in faces), default=None)
    return RepresentativeFrame(frame, reason, quality, mains, faces)


async def _chain(
    state: AppState,
    session_id: str,
    edges: list[CoOccurs],
    steps: list[tuple[list[int] | None, str]],
    start: int,
    stop: int,
) -> tuple[int, str] | None:
    """(frame, reason) of the first step that finds a frame in [start, stop).

    ``edges`` join the two main identities' traces; ``steps`` are the best-face fallbacks
    (trace ids to search, None for every trace).
    """
    gaze = [
        e.mutual_gaze_first_frame
        for e in edges
        if e.mutual_gaze
        and e.mutual_gaze_first_frame is not None
        and start <= e.mutual_gaze_first_frame < stop
    ]
    if gaze:
        return min(gaze), "mutual_gaze"
    together = [
        max(e.first_frame, start) for e in edges if e.first_frame < stop and e.last_frame >= start
    ]
    if together:
        return min(together), "co_occurrence"
    for trace_ids, reason in steps:
        face = await state.face_detections.best_face(session_id, trace_ids, start, stop)
        if face is not None:
            return face.frame, reason
    return None


async def _edges_between(
    state: AppState, session_id: str, mains: list[MainIdentity]
) -> list[CoOccurs]:
    keys = [trace_key(session_id, t) for t in mains[0].trace_ids]
    wanted = set(mains[1].trace_ids)
    seen = await state.faces.co_occurs(keys)
    return [edge for edges in seen.values() for edge in edges if edge.other.trace_id in wanted]


async def faces_at(state: AppState, session: Session, frame: int) -> list[FrameFace]:
    detections = await state.face_detections.at_frame(session.id, frame)
    who = await trace_identities(state, session, {d.trace_id for d in detections if d.trace_id})
    return [FrameFace(d, who[d.trace_id][1] if d.trace_id in who else None) for d in detections]
