"""Identities (people known by name) and the identity-level view of co-occurrence (graph)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.backend import GraphBackend
from graph.faces import FaceTrace, trace_from_record


@dataclass(frozen=True)
class Identity:
    id: str
    org_id: str
    name: str
    source: str
    created_at: float
    external_id: str | None = None
    profile_image_url: str | None = None


@dataclass(frozen=True)
class IdentityPair:
    """Co-occurrence of two identities summed over their traces' CO_OCCURS_WITH edges."""

    a: str
    b: str
    total_frames: int
    sessions: frozenset[str]
    mutual_gaze: bool
    first_frame_by_session: Mapping[str, int]
    # per session: (trace of a, trace of b) of the edge where they first share the screen
    first_traces_by_session: Mapping[str, tuple[int, int]]


def identity_from_record(row: Mapping[str, Any]) -> Identity:
    return Identity(
        id=row["id"],
        org_id=row["org_id"],
        name=row["name"],
        source=row["source"],
        created_at=float(row["created_at"]),
        external_id=row.get("external_id"),
        profile_image_url=row.get("profile_image_url"),
    )


_CREATE = """
MERGE (o:Org {id: $props.org_id})
CREATE (i:Identity)
SET i = $props
MERGE (i)-[:OWNED_BY]->(o)
RETURN i {.*} AS i
"""
_BY_IDS = """
UNWIND $ids AS id
MATCH (i:Identity {id: id, org_id: $org_id})
RETURN i {.*} AS i
"""
_PAGE = """
MATCH (i:Identity {org_id: $org_id})
WHERE ($name IS NULL OR toLower(i.name) CONTAINS toLower($name))
  AND ($after_name IS NULL OR i.name > $after_name
       OR (i.name = $after_name AND i.id > $after_id))
RETURN i {.*} AS i ORDER BY i.name, i.id LIMIT $limit
"""
_TRACES_OF = """
UNWIND $ids AS id
MATCH (t:FaceTrace)-[:IDENTIFIED_AS]->(i:Identity {id: id})
RETURN id, t {.*} AS t
"""
_SESSION_TRACES = """
MATCH (t:FaceTrace {session_id: $session_id})-[:IDENTIFIED_AS]->(i:Identity)
RETURN i {.*} AS i, t {.*} AS t ORDER BY t.trace_id
"""
_PAIRS = """
MATCH (i:Identity {org_id: $org_id})<-[:IDENTIFIED_AS]-(t:FaceTrace)
      -[c:CO_OCCURS_WITH]->(u:FaceTrace)-[:IDENTIFIED_AS]->(j:Identity)
WHERE ($session_id IS NULL OR t.session_id = $session_id)
  AND ($ids IS NULL OR i.id IN $ids OR j.id IN $ids)
RETURN i.id AS a, j.id AS b, t.session_id AS session_id, c.total_frames AS total_frames,
       c.mutual_gaze AS mutual_gaze, c.first_frame AS first_frame,
       t.trace_id AS trace_a, u.trace_id AS trace_b
"""
_MOVE_LINKS = """
MATCH (t:FaceTrace)-[r:IDENTIFIED_AS]->(m:Identity {id: $merge, org_id: $org_id})
MATCH (k:Identity {id: $keep, org_id: $org_id})
MERGE (t)-[n:IDENTIFIED_AS]->(k)
SET n.similarity = r.similarity, n.manual = r.manual
DELETE r
"""
_DELETE = "MATCH (i:Identity {id: $id, org_id: $org_id}) DETACH DELETE i"


class IdentityStore:
    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def create(self, props: Mapping[str, Any]) -> Identity:
        rows = await self.graph.run(
            _CREATE, {"props": {k: v for k, v in props.items() if v is not None}}
        )
        return identity_from_record(rows[0]["i"])

    async def get(self, org_id: str, identity_id: str) -> Identity | None:
        return (await self.by_ids(org_id, [identity_id])).get(identity_id)

    async def by_ids(self, org_id: str, ids: Sequence[str]) -> dict[str, Identity]:
        rows = await self.graph.read(_BY_IDS, {"org_id": org_id, "ids": list(ids)})
        found = [identity_from_record(r["i"]) for r in rows]
        return {i.id: i for i in found}

    async def page(
        self, org_id: str, *, name: str | None, after: tuple[str, str] | None, limit: int
    ) -> list[Identity]:
        rows = await self.graph.read(
            _PAGE,
            {
                "org_id": org_id,
                "name": name,
                "after_name": after[0] if after else None,
                "after_id": after[1] if after else None,
                "limit": limit,
            },
        )
        return [identity_from_record(r["i"]) for r in rows]

    async def traces(self, ids: Sequence[str]) -> dict[str, list[FaceTrace]]:
        """identity id → its traces over all sessions (one round trip for many identities)."""
        rows = await self.graph.read(_TRACES_OF, {"ids": list(ids)})
        found: dict[str, list[FaceTrace]] = {i: [] for i in ids}
        for r in rows:
            found[r["id"]].append(trace_from_record(r["t"]))
        for traces in found.values():
            traces.sort(key=lambda t: (t.session_id, t.trace_id))
        return found

    async def session_traces(self, session_id: str) -> list[tuple[Identity, FaceTrace]]:
        rows = await self.graph.read(_SESSION_TRACES, {"session_id": session_id})
        return [(identity_from_record(r["i"]), trace_from_record(r["t"])) for r in rows]

    async def pairs(
        self, org_id: str, *, session_id: str | None = None, ids: Sequence[str] | None = None
    ) -> list[IdentityPair]:
        """Identity pairs that co-occur (each unordered pair once, a < b)."""
        rows = await self.graph.read(
            _PAIRS,
            {"org_id": org_id, "session_id": session_id, "ids": list(ids) if ids else None},
        )
        sums: dict[tuple[str, str], dict[str, Any]] = {}
        for r in rows:
            if r["a"] == r["b"]:
                continue
            a, b = sorted((r["a"], r["b"]))
            traces = (r["trace_a"], r["trace_b"]) if a == r["a"] else (r["trace_b"], r["trace_a"])
            entry = sums.setdefault(
                (a, b), {"frames": 0, "sessions": set(), "gaze": False, "first": {}, "at": {}}
            )
            entry["frames"] += int(r["total_frames"])
            entry["sessions"].add(r["session_id"])
            entry["gaze"] = entry["gaze"] or bool(r["mutual_gaze"])
            first, sid, frame = entry["first"], r["session_id"], int(r["first_frame"])
            if sid not in first or frame < first[sid]:
                first[sid] = frame
                entry["at"][sid] = (int(traces[0]), int(traces[1]))
        return [
            IdentityPair(
                a,
                b,
                e["frames"],
                frozenset(e["sessions"]),
                e["gaze"],
                dict(e["first"]),
                dict(e["at"]),
            )
            for (a, b), e in sorted(sums.items())
        ]

    async def merge(self, org_id: str, keep: str, merge: str) -> None:
        """Move ``merge``'s trace links onto ``keep``, then delete ``merge``."""
        await self.graph.run(_MOVE_LINKS, {"org_id": org_id, "keep": keep, "merge": merge})
        await self.graph.run(_DELETE, {"org_id": org_id, "id": merge})
