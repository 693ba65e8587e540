"""The graph backend interface: one Cypher code path, two ways of sending it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class IndexSpec:
    """A range index on one node property; labels come from code, never from input."""

    label: str
    prop: str


class GraphBackend(ABC):
    """Runs Cypher from the subset that Neo4j 5 and FalkorDB share (ARCHITECTURE §7).

    Implementations differ only in how a statement is sent, how records decode and the DDL.
    ``round_trips`` counts statements sent, so callers and tests can prove batching.
    """

    name: str = "abstract"

    def __init__(self) -> None:
        self.round_trips = 0

    async def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        """Send one statement (read or write) and return its rows as plain dicts."""
        self.round_trips += 1
        return await self._run(query, dict(params or {}), read_only=False)

    async def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        """Send one read-only statement."""
        self.round_trips += 1
        return await self._run(query, dict(params or {}), read_only=True)

    async def read_one(self, query: str, params: Mapping[str, Any] | None = None) -> Record | None:
        rows = await self.read(query, params)
        return rows[0] if rows else None

    @abstractmethod
    async def _run(self, query: str, params: dict[str, Any], *, read_only: bool) -> list[Record]:
        """Backend-specific send and decode."""

    @abstractmethod
    async def ensure_indexes(self, indexes: Sequence[IndexSpec]) -> None:
        """Create the range indexes that are missing (idempotent DDL)."""

    @abstractmethod
    async def list_indexes(self) -> set[IndexSpec]:
        """The node-property indexes that exist now."""

    @abstractmethod
    async def ping(self) -> bool:
        """True when the store answers."""

    @abstractmethod
    async def drop_all(self) -> None:
        """Delete every node and relationship (tests and `reelgraph reset` only)."""

    @abstractmethod
    async def close(self) -> None:
        """Release the driver/connection pool."""
