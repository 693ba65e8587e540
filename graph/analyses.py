"""Analysis aggregate: what ``analysisStatus`` waits on and subscriptions report.

The Cypher only stores; workers/progress.py is the one writer and holds the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.backend import GraphBackend
from graph.ids import from_json, now_s, to_json


class AnalysisState(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    DONE = "DONE"
    ERROR = "ERROR"

    @property
    def finished(self) -> bool:
        return self in (AnalysisState.DONE, AnalysisState.ERROR)


@dataclass(frozen=True)
class Analysis:
    session_id: str
    key: str
    state: AnalysisState
    created_at: float
    message: str | None = None
    progress: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    params: Any = None


def analysis_from_record(row: Mapping[str, Any]) -> Analysis:
    return Analysis(
        session_id=row["session_id"],
        key=row["key"],
        state=AnalysisState(row["state"]),
        created_at=float(row["created_at"]),
        message=row.get("message"),
        progress=row.get("progress"),
        started_at=row.get("started_at"),
        finished_at=row.get("finished_at"),
        params=from_json(row.get("params")),
    )


# One node per (session, analysis key); re-requesting an analysis resets it to pending.
_REQUEST = """
MATCH (s:Session {id: $session_id})
MERGE (a:Analysis {id: $id})
ON CREATE SET a.session_id = $session_id, a.key = $key, a.created_at = $now
SET a.state = 'PENDING', a.message = $message, a.progress = 0.0, a.params = $params,
    a.started_at = null, a.finished_at = null
MERGE (a)-[:OF]->(s)
RETURN a {.*} AS a
"""
# A key's state as workers/progress.py (its one writer) decides it; the node is made on first
# use, and its start time is kept from the first RUNNING.
_PUT = """
MATCH (s:Session {id: $session_id})
MERGE (a:Analysis {id: $id})
ON CREATE SET a.session_id = $session_id, a.key = $key, a.created_at = $now
SET a.state = $state, a.message = $message, a.progress = $progress,
    a.started_at = CASE
        WHEN $state = 'PENDING' THEN null
        WHEN $state = 'RUNNING' AND a.started_at IS NULL THEN $now
        ELSE a.started_at END,
    a.finished_at = CASE WHEN $state IN ['DONE', 'ERROR'] THEN $now ELSE null END
MERGE (a)-[:OF]->(s)
RETURN a {.*} AS a
"""
_DELETE = "MATCH (a:Analysis {id: $id}) DETACH DELETE a"
_UPDATE = "MATCH (a:Analysis {id: $id}) SET a += $props RETURN a {.*} AS a"
_LIST = """
MATCH (a:Analysis {session_id: $session_id})
WHERE $keys IS NULL OR a.key IN $keys
RETURN a {.*} AS a ORDER BY a.created_at, a.key
"""
_FOR_SESSIONS = """
MATCH (a:Analysis) WHERE a.session_id IN $ids
RETURN a {.*} AS a ORDER BY a.created_at, a.key
"""


def analysis_id(session_id: str, key: str) -> str:
    return f"{session_id}:{key}"


class AnalysisStore:
    """Cypher for analyses."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def request(
        self, session_id: str, key: str, *, params: Any = None, message: str | None = None
    ) -> Analysis | None:
        rows = await self.graph.run(
            _REQUEST,
            {
                "session_id": session_id,
                "id": analysis_id(session_id, key),
                "key": key,
                "now": now_s(),
                "params": to_json(params),
                "message": message,
            },
        )
        return analysis_from_record(rows[0]["a"]) if rows else None

    async def update(self, session_id: str, key: str, **props: Any) -> Analysis | None:
        if "state" in props and isinstance(props["state"], AnalysisState):
            props["state"] = props["state"].value
        rows = await self.graph.run(_UPDATE, {"id": analysis_id(session_id, key), "props": props})
        return analysis_from_record(rows[0]["a"]) if rows else None

    async def put(
        self,
        session_id: str,
        key: str,
        state: AnalysisState,
        *,
        message: str | None = None,
        progress: float | None = None,
    ) -> Analysis | None:
        """Set a key's state (creating its node); None when the session is gone."""
        rows = await self.graph.run(
            _PUT,
            {
                "session_id": session_id,
                "id": analysis_id(session_id, key),
                "key": key,
                "now": now_s(),
                "state": state.value,
                "message": message,
                "progress": progress,
            },
        )
        return analysis_from_record(rows[0]["a"]) if rows else None

    async def delete(self, session_id: str, key: str) -> None:
        await self.graph.run(_DELETE, {"id": analysis_id(session_id, key)})

    async def of_session(
        self, session_id: str, keys: Sequence[str] | None = None
    ) -> list[Analysis]:
        rows = await self.graph.read(
            _LIST, {"session_id": session_id, "keys": list(keys) if keys else None}
        )
        return [analysis_from_record(r["a"]) for r in rows]

    async def for_sessions(self, session_ids: Sequence[str]) -> dict[str, list[Analysis]]:
        """Analyses of many sessions in one round trip (DataLoader batches)."""
        rows = await self.graph.read(_FOR_SESSIONS, {"ids": list(session_ids)})
        grouped: dict[str, list[Analysis]] = {}
        for row in rows:
            analysis = analysis_from_record(row["a"])
            grouped.setdefault(analysis.session_id, []).append(analysis)
        return grouped
