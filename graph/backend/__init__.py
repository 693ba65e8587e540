"""Graph backends: pick Neo4j when ``NEO4J_URI`` is set, FalkorDB otherwise."""

from __future__ import annotations

from graph.backend.base import GraphBackend, IndexSpec, Record
from graph.errors import StackError
from graph.settings import Settings


def open_backend(settings: Settings, redis_url: str | None = None) -> GraphBackend:
    """Open the configured backend; ``redis_url`` is the FalkorDB server (embedded or not)."""
    if settings.neo4j_uri:
        from graph.backend.neo4j_backend import Neo4jBackend

        return Neo4jBackend(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password)
    url = redis_url or settings.redis_url
    if not url:
        raise StackError("no graph store configured: set NEO4J_URI or start the embedded stack")
    from graph.backend.falkordb_backend import FalkorDBBackend

    return FalkorDBBackend(url, settings.graph_name)


__all__ = ["GraphBackend", "IndexSpec", "Record", "open_backend"]
