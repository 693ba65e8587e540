"""Label and label-group aggregate (seed 000): labels on a session's timeline, linked by group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from graph.backend import GraphBackend
from graph.ids import from_json, now_s, to_json


@dataclass(frozen=True)
class Label:
    id: str
    session_id: str
    org_id: str
    label_group_id: str
    label_type: str
    start_ms: float
    end_ms: float
    ts_start: float
    ts_end: float
    created_at: float
    name: str | None = None
    category: str | None = None
    data: Any = None
    video_box: list[list[int]] | None = None
    pinned: bool = False
    # a result label: the request label whose analysis wrote it (reruns replace these)
    source_label_id: str | None = None


def label_from_record(row: Mapping[str, Any]) -> Label:
    return Label(
        id=row["id"],
        session_id=row["session_id"],
        org_id=row["org_id"],
        label_group_id=row["label_group_id"],
        label_type=row["label_type"],
        start_ms=float(row["start_ms"]),
        end_ms=float(row["end_ms"]),
        ts_start=float(row["ts_start"]),
        ts_end=float(row["ts_end"]),
        created_at=float(row["created_at"]),
        name=row.get("name"),
        category=row.get("category"),
        data=from_json(row.get("data")),
        video_box=from_json(row.get("video_box")),
        pinned=bool(row.get("pinned")),
        source_label_id=row.get("source_label_id"),
    )


def label_row(label: Label) -> dict[str, Any]:
    """The property map stored on a ``:Label`` node (JSON fields as strings)."""
    row = asdict(label)
    row["data"] = to_json(label.data)
    row["video_box"] = to_json(label.video_box)
    return row


# One round trip for any number of labels; MERGE on ids keeps a retried batch idempotent.
_WRITE_ROWS = """
UNWIND $rows AS row
MERGE (g:LabelGroup {id: row.label_group_id})
ON CREATE SET g.session_id = row.session_id, g.org_id = row.org_id, g.created_at = row.created_at
MERGE (l:Label {id: row.id})
ON CREATE SET l += row
MERGE (l)-[:ON]->(s)
MERGE (l)-[:IN_GROUP]->(g)
RETURN count(DISTINCT l.id) AS written
"""
_ADD = "MATCH (s:Session {id: $session_id})" + _WRITE_ROWS
_GET = "MATCH (l:Label {id: $id, org_id: $org_id}) RETURN l {.*} AS l"
_GET_ANY = "MATCH (l:Label {id: $id}) RETURN l {.*} AS l"
# A request's results are replaced whole: its earlier result labels go in the same statement.
# Writing the session first takes its write lock (Neo4j holds it to commit), so two runs of one
# request (a retry racing a worker presumed dead) replace each other instead of both adding:
# the second one's OPTIONAL MATCH sees the first one's committed labels. FalkorDB runs one
# statement at a time anyway.
_REPLACE_RESULTS = (
    """
MATCH (s:Session {id: $session_id})
SET s.results_written_at = $now
WITH s
OPTIONAL MATCH (old:Label {source_label_id: $source_label_id})
DETACH DELETE old
WITH DISTINCT s"""
    + _WRITE_ROWS
)
_DELETE_RESULTS = """
MATCH (l:Label {source_label_id: $source_label_id})
DETACH DELETE l
RETURN count(l) AS deleted
"""
_GROUPS = """
MATCH (g:LabelGroup) WHERE g.id IN $ids
RETURN g.id AS id, g.session_id AS session_id, g.org_id AS org_id
"""
_GROUP_LABELS = """
MATCH (g:LabelGroup {id: $id, org_id: $org_id})
OPTIONAL MATCH (l:Label)-[:IN_GROUP]->(g)
RETURN g.session_id AS session_id, collect(l {.*}) AS labels
"""
_PAGE = """
MATCH (l:Label {session_id: $session_id})
WHERE ($label_type IS NULL OR l.label_type = $label_type)
  AND ($after_start IS NULL OR l.start_ms > $after_start
       OR (l.start_ms = $after_start AND l.id > $after_id))
RETURN l {.*} AS l
ORDER BY l.start_ms, l.id
LIMIT $limit
"""
_COUNT = """
MATCH (l:Label {session_id: $session_id})
WHERE ($label_type IS NULL OR l.label_type = $label_type)
RETURN count(l) AS total
"""
_UPDATE = "MATCH (l:Label {id: $id}) SET l += $props RETURN l {.*} AS l"
# A group lives while it holds labels: deleting its last label deletes it too.
_DELETE = """
MATCH (l:Label {id: $id, org_id: $org_id})-[:IN_GROUP]->(g:LabelGroup)
DETACH DELETE l
WITH g
OPTIONAL MATCH (other:Label)-[:IN_GROUP]->(g)
WITH g, count(other) AS remaining
WHERE remaining = 0
DETACH DELETE g
RETURN remaining
"""


class LabelStore:
    """Cypher for labels and label groups."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def add_many(self, session_id: str, labels: Sequence[Label]) -> int:
        """Write every label (and any new group) in one statement; returns how many exist."""
        if not labels:
            return 0
        rows = [label_row(label) for label in labels]
        result = await self.graph.run(_ADD, {"session_id": session_id, "rows": rows})
        return int(result[0]["written"]) if result else 0

    async def get(self, label_id: str, org_id: str) -> Label | None:
        row = await self.graph.read_one(_GET, {"id": label_id, "org_id": org_id})
        return label_from_record(row["l"]) if row else None

    async def get_any(self, label_id: str) -> Label | None:
        """A label whatever its org (workers, which act for the org that queued them)."""
        row = await self.graph.read_one(_GET_ANY, {"id": label_id})
        return label_from_record(row["l"]) if row else None

    async def replace_results(
        self, session_id: str, source_label_id: str, labels: Sequence[Label]
    ) -> int:
        """Replace the result labels a request wrote before with ``labels``, in one statement."""
        rows = [label_row(label) for label in labels]
        result = await self.graph.run(
            _REPLACE_RESULTS,
            {
                "session_id": session_id,
                "source_label_id": source_label_id,
                "rows": rows,
                "now": now_s(),
            },
        )
        return int(result[0]["written"]) if result else 0

    async def delete_results(self, source_label_id: str) -> int:
        result = await self.graph.run(_DELETE_RESULTS, {"source_label_id": source_label_id})
        return int(result[0]["deleted"]) if result else 0

    async def groups(self, group_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """``{group_id: {session_id, org_id}}`` for the groups that exist."""
        if not group_ids:
            return {}
        rows = await self.graph.read(_GROUPS, {"ids": list(group_ids)})
        return {r["id"]: {"session_id": r["session_id"], "org_id": r["org_id"]} for r in rows}

    async def group_labels(self, group_id: str, org_id: str) -> tuple[str, list[Label]] | None:
        row = await self.graph.read_one(_GROUP_LABELS, {"id": group_id, "org_id": org_id})
        if not row or row["session_id"] is None:
            return None
        labels = [label_from_record(r) for r in row["labels"] if r]
        labels.sort(key=lambda lab: (lab.start_ms, lab.created_at, lab.id))
        return row["session_id"], labels

    async def page(
        self,
        session_id: str,
        *,
        limit: int,
        label_type: str | None = None,
        after: tuple[float, str] | None = None,
    ) -> list[Label]:
        rows = await self.graph.read(
            _PAGE,
            {
                "session_id": session_id,
                "label_type": label_type,
                "after_start": after[0] if after else None,
                "after_id": after[1] if after else None,
                "limit": limit,
            },
        )
        return [label_from_record(r["l"]) for r in rows]

    async def count(self, session_id: str, label_type: str | None = None) -> int:
        row = await self.graph.read_one(
            _COUNT, {"session_id": session_id, "label_type": label_type}
        )
        return int(row["total"]) if row else 0

    async def update(self, label: Label) -> Label:
        row = label_row(label)
        props = {k: v for k, v in row.items() if k not in {"id", "session_id", "org_id"}}
        # SET += with a null removes that property, which is what clearing a field means.
        rows = await self.graph.run(_UPDATE, {"id": label.id, "props": props})
        return label_from_record(rows[0]["l"])

    async def delete(self, label_id: str, org_id: str) -> bool:
        existed = await self.get(label_id, org_id)
        if existed is None:
            return False
        await self.graph.run(_DELETE, {"id": label_id, "org_id": org_id})
        return True
