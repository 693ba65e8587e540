"""Chunks of a session: the shots of its video, ``(:Chunk)-[:OF]->(:Session)`` (graph).

Chunk ids are per session (``chunk_1``, ``chunk_2``, … in time order), so a chunk is always
addressed by ``(session_id, id)``; reads go through the session's ``Session.id`` index and its
``OF`` edges rather than a scan of every chunk.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.backend import GraphBackend


@dataclass(frozen=True)
class Chunk:
    id: str
    session_id: str
    start_frame: int
    end_frame: int  # inclusive


def chunk_id(number: int) -> str:
    """The id of the ``number``-th chunk of a session (1-based, in time order)."""
    return f"chunk_{number}"


def chunk_from_record(row: Mapping[str, Any]) -> Chunk:
    return Chunk(
        id=row["id"],
        session_id=row["session_id"],
        start_frame=int(row["start_frame"]),
        end_frame=int(row["end_frame"]),
    )


# One statement, so the old chunks and the new ones are never both (or neither) visible.
_REPLACE = """
MATCH (s:Session {id: $session_id})
OPTIONAL MATCH (s)<-[:OF]-(old:Chunk)
DETACH DELETE old
WITH DISTINCT s
UNWIND $rows AS row
CREATE (c:Chunk {id: row.id, session_id: $session_id, start_frame: row.start_frame,
                 end_frame: row.end_frame})-[:OF]->(s)
RETURN count(c) AS written
"""
_LIST = """
UNWIND $session_ids AS session_id
MATCH (:Session {id: session_id})<-[:OF]-(c:Chunk)
RETURN c {.*} AS c ORDER BY c.start_frame
"""
_GET = """
MATCH (:Session {id: $session_id})<-[:OF]-(c:Chunk {id: $id})
RETURN c {.*} AS c
"""


class ChunkStore:
    """Cypher for chunks; records become :class:`Chunk` here."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def replace(self, session_id: str, chunks: Sequence[Chunk]) -> int:
        """Make ``chunks`` the session's chunks, atomically; how many were written."""
        rows = [
            {"id": c.id, "start_frame": c.start_frame, "end_frame": c.end_frame} for c in chunks
        ]
        found = await self.graph.run(_REPLACE, {"session_id": session_id, "rows": rows})
        return int(found[0]["written"]) if found else 0

    async def list(self, session_id: str) -> list[Chunk]:
        """The session's chunks by start frame."""
        return (await self.by_sessions([session_id])).get(session_id, [])

    async def get(self, session_id: str, chunk_id: str) -> Chunk | None:
        row = await self.graph.read_one(_GET, {"session_id": session_id, "id": chunk_id})
        return chunk_from_record(row["c"]) if row else None

    async def by_sessions(self, session_ids: Sequence[str]) -> dict[str, builtins.list[Chunk]]:
        """Every listed session's chunks by start frame, in one round trip (DataLoader)."""
        rows = await self.graph.read(_LIST, {"session_ids": list(session_ids)})
        found: dict[str, builtins.list[Chunk]] = {sid: [] for sid in session_ids}
        for row in rows:
            chunk = chunk_from_record(row["c"])
            found.setdefault(chunk.session_id, []).append(chunk)
        for chunks in found.values():
            chunks.sort(key=lambda c: c.start_frame)
        return found
