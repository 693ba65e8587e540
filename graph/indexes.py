"""The graph indexes every deployment needs; applied at start-up by the backend's DDL."""

from __future__ import annotations

from graph.backend import GraphBackend, IndexSpec

GRAPH_INDEXES: tuple[IndexSpec, ...] = (
    IndexSpec("Org", "id"),
    IndexSpec("Org", "name"),
    IndexSpec("ApiKey", "hash"),
    IndexSpec("Session", "id"),
    IndexSpec("Session", "org_id"),
    IndexSpec("Label", "id"),
    IndexSpec("Label", "session_id"),
    IndexSpec("Label", "source_label_id"),
    IndexSpec("LabelGroup", "id"),
    IndexSpec("Analysis", "id"),
    IndexSpec("Analysis", "session_id"),
    IndexSpec("FaceTrace", "id"),
    IndexSpec("FaceTrace", "session_id"),
    IndexSpec("Stranger", "id"),
    IndexSpec("Stranger", "session_id"),
    IndexSpec("Identity", "id"),
    IndexSpec("Identity", "org_id"),
    IndexSpec("Campaign", "id"),
    IndexSpec("Clip", "id"),
    IndexSpec("Clip", "campaign_id"),
)


async def apply_graph_indexes(graph: GraphBackend) -> None:
    await graph.ensure_indexes(GRAPH_INDEXES)
