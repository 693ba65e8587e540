"""Face traces, strangers and co-occurrence: reads, corrections and re-tracing."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from api.services.identities import (
    check_identity_input,
    new_identity,
    rematch_org,
    require_identity,
)
from api.services.pagination import check_first
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.analyses import Analysis
from graph.errors import Conflict, ErrorCode, InvalidInput, NotFound
from graph.face_detections import FaceDetection
from graph.faces import FaceTrace, Stranger, TraceLink, trace_key
from graph.identities import Identity, IdentityPair
from graph.ids import decode_cursor, encode_cursor
from graph.sessions import Session, SessionStatus
from workers.face_trace import FACE_TRACE_KEY, start_face_trace

MAX_PAGE = 1000
MAX_HOPS = 8


def _position(after: str | None, arity: int) -> list[int] | None:
    if after is None:
        return None
    parts = decode_cursor(after, arity)
    if parts is None or not all(isinstance(p, int) for p in parts):
        raise InvalidInput("after is not a cursor from this API", code=ErrorCode.INVALID_CURSOR)
    return [int(p) for p in parts]


async def trace_page(
    state: AppState, session_id: str, *, first: int, after: str | None
) -> tuple[list[tuple[FaceTrace, str]], bool, int]:
    check_first(first, MAX_PAGE)
    position = _position(after, 1)
    rows = await state.faces.trace_page(
        session_id, after=position[0] if position else 0, limit=first + 1
    )
    page = rows[:first]
    total = await state.faces.trace_count(session_id)
    return [(t, encode_cursor(t.trace_id)) for t in page], len(rows) > first, total


async def detection_page(
    state: AppState, session_id: str, trace_id: int, *, first: int, after: str | None
) -> tuple[list[tuple[FaceDetection, str]], bool, int]:
    check_first(first, MAX_PAGE)
    position = _position(after, 2)
    rows = await state.face_detections.page(
        session_id,
        trace_id,
        after=(position[0], position[1]) if position else None,
        limit=first + 1,
    )
    page = rows[:first]
    total = await state.face_detections.count(session_id, trace_id)
    return [(d, encode_cursor(d.frame, d.det_idx)) for d in page], len(rows) > first, total


async def require_trace(
    state: AppState, principal: Principal, session_id: str, trace_id: int
) -> FaceTrace:
    await require_session(state, principal, session_id)
    key = trace_key(session_id, trace_id)
    found = (await state.faces.traces_by_key([key])).get(key)
    if found is None:
        raise NotFound(
            f"trace {trace_id} not found in session {session_id}", code=ErrorCode.TRACE_NOT_FOUND
        )
    return found


async def require_stranger(state: AppState, session: Session, stranger_id: int) -> Stranger:
    found = await state.faces.strangers(session.id, stranger_id)
    if not found:
        raise NotFound(
            f"stranger {stranger_id} not found in session {session.id}",
            code=ErrorCode.STRANGER_NOT_FOUND,
        )
    return found[0]


async def retrace_faces(state: AppState, principal: Principal, session_id: str) -> Analysis:
    session = await require_session(state, principal, session_id)
    if session.status is not SessionStatus.READY or session.kind != "video":
        raise Conflict(
            "faces can be traced only in an ingested video session",
            code=ErrorCode.SESSION_NOT_READY,
        )
    await start_face_trace(state, session.id)
    found = await state.analyses.of_session(session.id, [FACE_TRACE_KEY])
    return found[0]


async def assign_trace(
    state: AppState, principal: Principal, session_id: str, trace_id: int, identity_id: str | None
) -> FaceTrace:
    """A person's correction; it survives re-matching (not a re-trace, which rebuilds traces)."""
    trace = await require_trace(state, principal, session_id, trace_id)
    if identity_id is not None:
        await require_identity(state, principal, identity_id)
    await state.faces.set_manual_link(session_id, trace_id, identity_id)
    return trace


async def promote_stranger(
    state: AppState, principal: Principal, session_id: str, stranger_id: int, fields: dict
) -> Identity:
    """The stranger becomes a named identity: its traces' embeddings become the gallery."""
    await require_session(state, principal, session_id)
    props = check_identity_input(**fields)
    found = await state.faces.strangers(session_id, stranger_id)
    if not found:
        raise NotFound(
            f"stranger {stranger_id} not found in session {session_id}",
            code=ErrorCode.STRANGER_NOT_FOUND,
        )
    stranger = found[0]
    embeddings = await state.face_detections.trace_embeddings(session_id)
    identity = await new_identity(state, principal, props)
    vectors = [embeddings[t] for t in stranger.trace_ids if t in embeddings]
    if vectors:
        await state.gallery.add(identity.id, principal.org_id, vectors)
    for trace_id in stranger.trace_ids:
        await state.faces.set_manual_link(session_id, trace_id, identity.id)
    await state.faces.delete_stranger(session_id, stranger_id)
    await rematch_org(state, principal.org_id)
    return identity


@dataclass(frozen=True)
class IdentityCoOccurrence:
    identity_a: Identity
    identity_b: Identity
    first_frame: int
    total_frames: int
    trace_a: FaceTrace
    trace_b: FaceTrace
    session: Session


async def co_occurrence(
    state: AppState, principal: Principal, session_id: str, identity_a: str, identity_b: str
) -> IdentityCoOccurrence | None:
    """When two identities first share the screen in a session (None if they never do)."""
    session = await require_session(state, principal, session_id)
    a = await require_identity(state, principal, identity_a)
    b = await require_identity(state, principal, identity_b)
    pairs = await state.identities.pairs(principal.org_id, session_id=session_id, ids=[a.id])
    pair = next((p for p in pairs if {p.a, p.b} == {a.id, b.id}), None)
    if pair is None or session_id not in pair.first_traces_by_session:
        return None
    first_a, first_b = pair.first_traces_by_session[session_id]
    if pair.a != a.id:
        first_a, first_b = first_b, first_a
    traces = await state.faces.traces_by_key(
        [trace_key(session_id, first_a), trace_key(session_id, first_b)]
    )
    return IdentityCoOccurrence(
        identity_a=a,
        identity_b=b,
        first_frame=pair.first_frame_by_session[session_id],
        total_frames=pair.total_frames,
        trace_a=traces[trace_key(session_id, first_a)],
        trace_b=traces[trace_key(session_id, first_b)],
        session=session,
    )


async def identity_graph(
    state: AppState, principal: Principal, session_id: str | None, min_frames: int
) -> tuple[list[Identity], list[IdentityPair]]:
    if min_frames < 1:
        raise InvalidInput("minFrames must be at least 1", code=ErrorCode.INVALID_MIN_FRAMES)
    node_ids: set[str] = set()
    if session_id is not None:
        await require_session(state, principal, session_id)
        node_ids |= {i.id for i, _ in await state.identities.session_traces(session_id)}
    pairs = [
        p
        for p in await state.identities.pairs(principal.org_id, session_id=session_id)
        if p.total_frames >= min_frames
    ]
    for p in pairs:
        node_ids |= {p.a, p.b}
    nodes = await state.identities.by_ids(principal.org_id, sorted(node_ids))
    return sorted(nodes.values(), key=lambda i: (i.name, i.id)), pairs


async def co_occurrence_path(
    state: AppState, principal: Principal, identity_a: str, identity_b: str, max_hops: int
) -> list[Identity] | None:
    """Shortest chain a → … → b of identities that share the screen somewhere (BFS)."""
    if not 1 <= max_hops <= MAX_HOPS:
        raise InvalidInput(
            f"maxHops must be between 1 and {MAX_HOPS}", code=ErrorCode.INVALID_MAX_HOPS
        )
    a = await require_identity(state, principal, identity_a)
    b = await require_identity(state, principal, identity_b)
    if a.id == b.id:
        return [a]
    neighbours: dict[str, set[str]] = {}
    for p in await state.identities.pairs(principal.org_id):
        neighbours.setdefault(p.a, set()).add(p.b)
        neighbours.setdefault(p.b, set()).add(p.a)
    previous: dict[str, str | None] = {a.id: None}
    queue = deque([(a.id, 0)])
    while queue:
        current, hops = queue.popleft()
        if current == b.id:
            break
        if hops == max_hops:
            continue
        for nxt in sorted(neighbours.get(current, ())):
            if nxt not in previous:
                previous[nxt] = current
                queue.append((nxt, hops + 1))
    if b.id not in previous:
        return None
    chain: list[str] = []
    step: str | None = b.id
    while step is not None:
        chain.append(step)
        step = previous[step]
    found = await state.identities.by_ids(principal.org_id, chain)
    return [found[i] for i in reversed(chain)]


async def trace_identities(
    state: AppState, session: Session, trace_ids: set[int]
) -> dict[int, tuple[TraceLink, Identity | None]]:
    """Each traced face's link (identity or stranger) and the identity it names, batched."""
    keys = {trace_key(session.id, t): t for t in trace_ids}
    links = await state.faces.links(list(keys))
    ids = sorted({link.identity_id for link in links.values() if link.identity_id})
    named = await state.identities.by_ids(session.org_id, ids) if ids else {}
    return {
        keys[key]: (link, named.get(link.identity_id) if link.identity_id else None)
        for key, link in links.items()
    }


def thumbnail_url(
    session_id: str, trace_id: int | None = None, stranger_id: int | None = None
) -> str:
    if stranger_id is not None:
        return f"/api/v1/file/{session_id}/stranger/{stranger_id}/thumbnail"
    return f"/api/v1/file/{session_id}/trace/{trace_id}/thumbnail"
