"""Face traces, strangers and CO_OCCURS_WITH edges of a session (graph)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.backend import GraphBackend
from graph.face_detections import RepresentativeFace


@dataclass(frozen=True)
class FaceTrace:
    session_id: str
    trace_id: int
    start_frame: int
    end_frame: int
    face_count: int
    representative: RepresentativeFace | None

    @property
    def key(self) -> str:
        return trace_key(self.session_id, self.trace_id)


@dataclass(frozen=True)
class Stranger:
    session_id: str
    stranger_id: int
    face_count: int
    trace_ids: tuple[int, ...]
    representative: RepresentativeFace | None


@dataclass(frozen=True)
class CoOccurs:
    """One CO_OCCURS_WITH edge seen from ``trace``."""

    trace: str  # key of the trace it is seen from
    other: FaceTrace
    first_frame: int
    last_frame: int
    total_frames: int
    mutual_gaze: bool
    mutual_gaze_first_frame: int | None


@dataclass(frozen=True)
class TraceLink:
    """Who a trace is: an identity (with similarity; manual when a person set it) or not."""

    trace: str
    identity_id: str | None
    similarity: float | None
    manual: bool
    stranger_id: int | None


def trace_key(session_id: str, trace_id: int) -> str:
    return f"{session_id}:{trace_id}"


def stranger_key(session_id: str, stranger_id: int) -> str:
    return f"{session_id}:s{stranger_id}"


_REP_FIELDS = ("frame", "x", "y", "w", "h", "confidence", "quality", "blur")


def representative_props(rep: RepresentativeFace | None) -> dict[str, Any]:
    if rep is None:
        return {f"rep_{f}": None for f in _REP_FIELDS}
    return {f"rep_{f}": getattr(rep, f) for f in _REP_FIELDS}


def _representative(row: Mapping[str, Any]) -> RepresentativeFace | None:
    if row.get("rep_frame") is None:
        return None
    return RepresentativeFace(**{f: row.get(f"rep_{f}") for f in _REP_FIELDS})  # type: ignore[arg-type]


def trace_from_record(row: Mapping[str, Any]) -> FaceTrace:
    return FaceTrace(
        session_id=row["session_id"],
        trace_id=int(row["trace_id"]),
        start_frame=int(row["start_frame"]),
        end_frame=int(row["end_frame"]),
        face_count=int(row["face_count"]),
        representative=_representative(row),
    )


def stranger_from_record(row: Mapping[str, Any], trace_ids: Sequence[int]) -> Stranger:
    return Stranger(
        session_id=row["session_id"],
        stranger_id=int(row["stranger_id"]),
        face_count=int(row["face_count"]),
        trace_ids=tuple(sorted(int(t) for t in trace_ids)),
        representative=_representative(row),
    )


_UPSERT_TRACES = """
MATCH (s:Session {id: $session_id})
UNWIND $rows AS row
MERGE (t:FaceTrace {id: row.id})
SET t += row
MERGE (t)-[:IN]->(s)
RETURN count(DISTINCT t) AS written
"""
_DELETE_STALE_TRACES = """
MATCH (t:FaceTrace {session_id: $session_id}) WHERE NOT t.trace_id IN $keep
DETACH DELETE t
"""
_CLEAR_EDGES = """
MATCH (a:FaceTrace {session_id: $session_id})-[c:CO_OCCURS_WITH]->(:FaceTrace)
DELETE c
"""
_CREATE_EDGES = """
UNWIND $rows AS row
MATCH (a:FaceTrace {id: row.a}), (b:FaceTrace {id: row.b})
MERGE (a)-[c:CO_OCCURS_WITH]->(b)
SET c.first_frame = row.first_frame, c.last_frame = row.last_frame,
    c.total_frames = row.total_frames, c.mutual_gaze = row.mutual_gaze,
    c.mutual_gaze_first_frame = row.mutual_gaze_first_frame
"""
_CLEAR_AUTO_LINKS = """
MATCH (t:FaceTrace {session_id: $session_id})-[r:IDENTIFIED_AS]->(:Identity)
WHERE coalesce(r.manual, false) = false
DELETE r
"""
# A person's decisions: "this trace is X" (manual link) or "this trace is nobody" (unassigned).
_MANUAL_LINKS = """
MATCH (t:FaceTrace {session_id: $session_id})
OPTIONAL MATCH (t)-[r:IDENTIFIED_AS]->(i:Identity)
WITH t, r, i
WHERE r.manual = true OR t.unassigned = true
RETURN t.trace_id AS trace_id, CASE WHEN r.manual = true THEN i.id ELSE null END AS identity_id
"""
_LINK = """
UNWIND $rows AS row
MATCH (t:FaceTrace {id: row.trace}), (i:Identity {id: row.identity})
MERGE (t)-[r:IDENTIFIED_AS]->(i)
SET r.similarity = row.similarity, r.manual = row.manual
"""
_CLEAR_STRANGERS = "MATCH (x:Stranger {session_id: $session_id}) DETACH DELETE x"
_CREATE_STRANGERS = """
MATCH (s:Session {id: $session_id})
UNWIND $rows AS row
MERGE (x:Stranger {id: row.props.id})
SET x += row.props
MERGE (x)-[:IN]->(s)
WITH x, row
UNWIND row.traces AS trace
MATCH (t:FaceTrace {id: trace})
MERGE (t)-[:PART_OF]->(x)
"""
_TRACE_PAGE = """
MATCH (t:FaceTrace {session_id: $session_id}) WHERE t.trace_id > $after
RETURN t {.*} AS t ORDER BY t.trace_id LIMIT $limit
"""
_TRACE_COUNT = "MATCH (t:FaceTrace {session_id: $session_id}) RETURN count(t) AS total"
_TRACES_BY_KEY = "UNWIND $keys AS key MATCH (t:FaceTrace {id: key}) RETURN t {.*} AS t"
_LINKS = """
UNWIND $keys AS key
MATCH (t:FaceTrace {id: key})
OPTIONAL MATCH (t)-[r:IDENTIFIED_AS]->(i:Identity)
OPTIONAL MATCH (t)-[:PART_OF]->(x:Stranger)
RETURN key, i.id AS identity_id, r.similarity AS similarity, r.manual AS manual,
       x.stranger_id AS stranger_id
"""
_CO_OCCURS = """
UNWIND $keys AS key
MATCH (t:FaceTrace {id: key})-[c:CO_OCCURS_WITH]-(o:FaceTrace)
RETURN key, o {.*} AS other, c.first_frame AS first_frame, c.last_frame AS last_frame,
       c.total_frames AS total_frames, c.mutual_gaze AS mutual_gaze,
       c.mutual_gaze_first_frame AS mutual_gaze_first_frame
"""
_STRANGERS = """
UNWIND $session_ids AS session_id
MATCH (x:Stranger {session_id: session_id})
WHERE $stranger_id IS NULL OR x.stranger_id = $stranger_id
OPTIONAL MATCH (t:FaceTrace)-[:PART_OF]->(x)
RETURN x {.*} AS x, collect(t.trace_id) AS traces ORDER BY x.stranger_id
"""
_UNLINK_TRACE = """
MATCH (t:FaceTrace {id: $key})
SET t.unassigned = $unassigned
WITH t
OPTIONAL MATCH (t)-[r:IDENTIFIED_AS]->(:Identity)
OPTIONAL MATCH (t)-[p:PART_OF]->(:Stranger)
DELETE r, p
"""
_DROP_EMPTY_STRANGERS = """
MATCH (x:Stranger {session_id: $session_id})
OPTIONAL MATCH (t:FaceTrace)-[:PART_OF]->(x)
WITH x, size(collect(t)) AS traces
WHERE traces = 0
DETACH DELETE x
"""
_RECOUNT_STRANGERS = """
MATCH (t:FaceTrace)-[:PART_OF]->(x:Stranger {session_id: $session_id})
WITH x, sum(t.face_count) AS faces
SET x.face_count = faces
"""


class FaceGraphStore:
    """Cypher for traces, strangers and co-occurrence; records become domain objects here."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def replace_traces(
        self, session_id: str, org_id: str, traces: Sequence[FaceTrace]
    ) -> None:
        """Upsert the session's traces and drop those of an earlier run that no longer exist."""
        rows = [
            {
                "id": t.key,
                "session_id": session_id,
                "org_id": org_id,
                "trace_id": t.trace_id,
                "start_frame": t.start_frame,
                "end_frame": t.end_frame,
                "face_count": t.face_count,
                **representative_props(t.representative),
            }
            for t in traces
        ]
        if rows:
            await self.graph.run(_UPSERT_TRACES, {"session_id": session_id, "rows": rows})
        await self.graph.run(
            _DELETE_STALE_TRACES,
            {"session_id": session_id, "keep": [t.trace_id for t in traces]},
        )

    async def replace_edges(self, session_id: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """rows: {a, b (trace keys), first_frame, last_frame, total_frames, mutual_gaze, …}."""
        await self.graph.run(_CLEAR_EDGES, {"session_id": session_id})
        if rows:
            await self.graph.run(_CREATE_EDGES, {"rows": [dict(r) for r in rows]})

    async def manual_links(self, session_id: str) -> dict[int, str | None]:
        """trace_id -> identity a person set (None: a person said it is nobody)."""
        rows = await self.graph.read(_MANUAL_LINKS, {"session_id": session_id})
        return {int(r["trace_id"]): r["identity_id"] for r in rows}

    async def replace_identity_links(
        self, session_id: str, links: Mapping[int, tuple[str, float]]
    ) -> None:
        """Machine links (trace_id → (identity_id, similarity)); manual links are kept."""
        await self.graph.run(_CLEAR_AUTO_LINKS, {"session_id": session_id})
        rows = [
            {"trace": trace_key(session_id, t), "identity": i, "similarity": s, "manual": False}
            for t, (i, s) in links.items()
        ]
        if rows:
            await self.graph.run(_LINK, {"rows": rows})

    async def set_manual_link(
        self, session_id: str, trace_id: int, identity_id: str | None
    ) -> None:
        """A person's correction: the trace is this identity (or nobody); strangers follow."""
        key = trace_key(session_id, trace_id)
        await self.graph.run(_UNLINK_TRACE, {"key": key, "unassigned": identity_id is None})
        if identity_id is not None:
            row = {"trace": key, "identity": identity_id, "similarity": 1.0, "manual": True}
            await self.graph.run(_LINK, {"rows": [row]})
        await self.graph.run(_DROP_EMPTY_STRANGERS, {"session_id": session_id})
        await self.graph.run(_RECOUNT_STRANGERS, {"session_id": session_id})

    async def replace_strangers(
        self, session_id: str, org_id: str, strangers: Sequence[Stranger]
    ) -> None:
        await self.graph.run(_CLEAR_STRANGERS, {"session_id": session_id})
        rows = [
            {
                "props": {
                    "id": stranger_key(session_id, s.stranger_id),
                    "session_id": session_id,
                    "org_id": org_id,
                    "stranger_id": s.stranger_id,
                    "face_count": s.face_count,
                    **representative_props(s.representative),
                },
                "traces": [trace_key(session_id, t) for t in s.trace_ids],
            }
            for s in strangers
        ]
        if rows:
            await self.graph.run(_CREATE_STRANGERS, {"session_id": session_id, "rows": rows})

    async def delete_stranger(self, session_id: str, stranger_id: int) -> None:
        await self.graph.run(
            "MATCH (x:Stranger {id: $id}) DETACH DELETE x",
            {"id": stranger_key(session_id, stranger_id)},
        )

    async def trace_page(self, session_id: str, *, after: int, limit: int) -> list[FaceTrace]:
        rows = await self.graph.read(
            _TRACE_PAGE, {"session_id": session_id, "after": after, "limit": limit}
        )
        return [trace_from_record(r["t"]) for r in rows]

    async def trace_count(self, session_id: str) -> int:
        row = await self.graph.read_one(_TRACE_COUNT, {"session_id": session_id})
        return int(row["total"]) if row else 0

    async def traces_by_key(self, keys: Sequence[str]) -> dict[str, FaceTrace]:
        rows = await self.graph.read(_TRACES_BY_KEY, {"keys": list(keys)})
        traces = [trace_from_record(r["t"]) for r in rows]
        return {t.key: t for t in traces}

    async def links(self, keys: Sequence[str]) -> dict[str, TraceLink]:
        rows = await self.graph.read(_LINKS, {"keys": list(keys)})
        return {
            r["key"]: TraceLink(
                trace=r["key"],
                identity_id=r["identity_id"],
                similarity=r["similarity"],
                manual=bool(r["manual"]),
                stranger_id=r["stranger_id"],
            )
            for r in rows
        }

    async def co_occurs(self, keys: Sequence[str]) -> dict[str, list[CoOccurs]]:
        rows = await self.graph.read(_CO_OCCURS, {"keys": list(keys)})
        found: dict[str, list[CoOccurs]] = {key: [] for key in keys}
        for r in rows:
            found[r["key"]].append(
                CoOccurs(
                    trace=r["key"],
                    other=trace_from_record(r["other"]),
                    first_frame=int(r["first_frame"]),
                    last_frame=int(r["last_frame"]),
                    total_frames=int(r["total_frames"]),
                    mutual_gaze=bool(r["mutual_gaze"]),
                    mutual_gaze_first_frame=r["mutual_gaze_first_frame"],
                )
            )
        for edges in found.values():
            edges.sort(key=lambda e: (e.first_frame, e.other.trace_id))
        return found

    async def strangers(self, session_id: str, stranger_id: int | None = None) -> list[Stranger]:
        """A session's strangers by stranger id (only ``stranger_id`` when given)."""
        return (await self._strangers([session_id], stranger_id))[session_id]

    async def strangers_by_session(self, session_ids: Sequence[str]) -> dict[str, list[Stranger]]:
        """session id → its strangers by stranger id (one round trip for many sessions)."""
        return await self._strangers(session_ids, None)

    async def _strangers(
        self, session_ids: Sequence[str], stranger_id: int | None
    ) -> dict[str, list[Stranger]]:
        rows = await self.graph.read(
            _STRANGERS,
            {"session_ids": list(dict.fromkeys(session_ids)), "stranger_id": stranger_id},
        )
        found: dict[str, list[Stranger]] = {sid: [] for sid in session_ids}
        for r in rows:
            stranger = stranger_from_record(r["x"], r["traces"])
            found[stranger.session_id].append(stranger)
        return found
