"""Reference media (``:Media`` nodes): audio or video files an org uploads to match against.

A reference is not a session: it has no timeline, labels or analyses, only its file and what a
probe said of it. Its file lives under the media root like a session's, named by its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from graph.backend import GraphBackend


@dataclass(frozen=True)
class MediaRef:
    id: str
    org_id: str
    kind: str  # audio | video
    media_path: str
    has_audio: bool
    created_at: float
    name: str | None = None
    duration_ms: float | None = None


def media_from_record(row: Mapping[str, Any]) -> MediaRef:
    return MediaRef(
        id=row["id"],
        org_id=row["org_id"],
        kind=row["kind"],
        media_path=row["media_path"],
        has_audio=bool(row.get("has_audio")),
        created_at=float(row["created_at"]),
        name=row.get("name"),
        duration_ms=float(row["duration_ms"]) if row.get("duration_ms") is not None else None,
    )


_CREATE = """
MERGE (o:Org {id: $props.org_id})
MERGE (m:Media {id: $props.id})
ON CREATE SET m += $props
MERGE (m)-[:OWNED_BY]->(o)
RETURN m {.*} AS m
"""
_GET = "MATCH (m:Media {id: $id, org_id: $org_id}) RETURN m {.*} AS m"
_DELETE = """
MATCH (m:Media {id: $id, org_id: $org_id})
DETACH DELETE m
RETURN count(m) AS deleted
"""


class MediaRefStore:
    """Cypher for reference media; records become :class:`MediaRef` here only."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def create(self, media: MediaRef) -> MediaRef:
        props = {k: v for k, v in asdict(media).items() if v is not None}
        rows = await self.graph.run(_CREATE, {"props": props})
        return media_from_record(rows[0]["m"])

    async def get(self, media_id: str, org_id: str) -> MediaRef | None:
        row = await self.graph.read_one(_GET, {"id": media_id, "org_id": org_id})
        return media_from_record(row["m"]) if row else None

    async def delete(self, media_id: str, org_id: str) -> bool:
        result = await self.graph.run(_DELETE, {"id": media_id, "org_id": org_id})
        return bool(result and int(result[0]["deleted"]))
