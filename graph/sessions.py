"""Session aggregate: a recording and its media facts, owned by an org."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.backend import GraphBackend
from graph.ids import from_json


class SessionStatus(StrEnum):
    PENDING = "PENDING"
    INGESTING = "INGESTING"
    READY = "READY"
    ERROR = "ERROR"


@dataclass(frozen=True)
class Session:
    id: str
    org_id: str
    status: SessionStatus
    ts_start: float
    created_at: float
    name: str | None = None
    kind: str | None = None
    error: str | None = None
    media_path: str | None = None
    source_url: str | None = None
    audio_path: str | None = None
    duration_ms: float | None = None
    fps: float | None = None
    frame_count: int | None = None
    width: int | None = None
    height: int | None = None
    has_audio: bool = False
    channels: int | None = None
    sample_rate: int | None = None
    size_bytes: int | None = None
    video_codec: str | None = None
    tags: Any = None


_FIELDS = tuple(Session.__dataclass_fields__)


def session_from_record(row: Mapping[str, Any]) -> Session:
    values: dict[str, Any] = {k: row.get(k) for k in _FIELDS}
    values["status"] = SessionStatus(row.get("status") or "PENDING")
    values["has_audio"] = bool(row.get("has_audio"))
    values["tags"] = from_json(row.get("tags")) if row.get("tags") is not None else {}
    return Session(**values)


_CREATE = """
MERGE (o:Org {id: $org_id})
MERGE (s:Session {id: $props.id})
ON CREATE SET s += $props
MERGE (s)-[:OWNED_BY]->(o)
RETURN s {.*} AS s
"""
_GET = "MATCH (s:Session {id: $id, org_id: $org_id}) RETURN s {.*} AS s"
_GET_ANY_ORG = "MATCH (s:Session {id: $id}) RETURN s {.*} AS s"
_UPDATE = "MATCH (s:Session {id: $id}) SET s += $props RETURN s {.*} AS s"
_GET_MANY = "UNWIND $ids AS id MATCH (s:Session {id: id, org_id: $org_id}) RETURN s {.*} AS s"
_PAGE = """
MATCH (s:Session {org_id: $org_id})
WHERE ($name IS NULL OR toLower(s.name) CONTAINS toLower($name))
  AND ($after_created IS NULL OR s.created_at < $after_created
       OR (s.created_at = $after_created AND s.id < $after_id))
RETURN s {.*} AS s
ORDER BY s.created_at DESC, s.id DESC
LIMIT $limit
"""
_COUNT = """
MATCH (s:Session {org_id: $org_id})
WHERE ($name IS NULL OR toLower(s.name) CONTAINS toLower($name))
RETURN count(s) AS total
"""
# Everything hanging off a session goes with it, in one statement.
_DELETE = """
MATCH (s:Session {id: $id, org_id: $org_id})
OPTIONAL MATCH (x)
WHERE (x:Label OR x:LabelGroup OR x:Analysis OR x:FaceTrace OR x:Stranger OR x:Chunk)
  AND x.session_id = $id
DETACH DELETE x, s
RETURN count(DISTINCT s) AS deleted
"""


class SessionStore:
    """Cypher for sessions; records become :class:`Session` here and nowhere else."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def create(self, props: Mapping[str, Any]) -> Session:
        rows = await self.graph.run(_CREATE, {"org_id": props["org_id"], "props": dict(props)})
        return session_from_record(rows[0]["s"])

    async def get(self, session_id: str, org_id: str | None) -> Session | None:
        """The session when it exists and belongs to ``org_id`` (None skips the org check)."""
        if org_id is None:
            row = await self.graph.read_one(_GET_ANY_ORG, {"id": session_id})
        else:
            row = await self.graph.read_one(_GET, {"id": session_id, "org_id": org_id})
        return session_from_record(row["s"]) if row else None

    async def get_many(self, session_ids: list[str], org_id: str) -> dict[str, Session]:
        """The org's sessions among ``session_ids``, in one round trip (DataLoader batches)."""
        rows = await self.graph.read(_GET_MANY, {"ids": session_ids, "org_id": org_id})
        found = [session_from_record(r["s"]) for r in rows]
        return {s.id: s for s in found}

    async def update(self, session_id: str, props: Mapping[str, Any]) -> Session | None:
        rows = await self.graph.run(_UPDATE, {"id": session_id, "props": dict(props)})
        return session_from_record(rows[0]["s"]) if rows else None

    async def page(
        self,
        org_id: str,
        *,
        limit: int,
        name: str | None = None,
        after: tuple[float, str] | None = None,
    ) -> list[Session]:
        rows = await self.graph.read(
            _PAGE,
            {
                "org_id": org_id,
                "name": name,
                "after_created": after[0] if after else None,
                "after_id": after[1] if after else None,
                "limit": limit,
            },
        )
        return [session_from_record(r["s"]) for r in rows]

    async def count(self, org_id: str, name: str | None = None) -> int:
        row = await self.graph.read_one(_COUNT, {"org_id": org_id, "name": name})
        return int(row["total"]) if row else 0

    async def delete(self, session_id: str, org_id: str) -> bool:
        rows = await self.graph.run(_DELETE, {"id": session_id, "org_id": org_id})
        return bool(rows and rows[0]["deleted"])
