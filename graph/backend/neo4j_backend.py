"""Neo4j implementation of :class:`GraphBackend` over the official async driver."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import AsyncGraphDatabase, RoutingControl

from graph.backend.base import GraphBackend, IndexSpec, Record


class Neo4jBackend(GraphBackend):
    """Production graph store."""

    name = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None) -> None:
        super().__init__()
        self._driver = AsyncGraphDatabase.driver(uri, auth=(user, password))
        self._database = database

    async def _run(self, query: str, params: dict[str, Any], *, read_only: bool) -> list[Record]:
        records, _, _ = await self._driver.execute_query(
            query,
            params,
            database_=self._database,
            routing_=RoutingControl.READ if read_only else RoutingControl.WRITE,
        )
        return [record.data() for record in records]

    async def list_indexes(self) -> set[IndexSpec]:
        rows = await self._run(
            "SHOW INDEXES YIELD labelsOrTypes, properties, entityType "
            "WHERE entityType = 'NODE' RETURN labelsOrTypes, properties",
            {},
            read_only=True,
        )
        found: set[IndexSpec] = set()
        for row in rows:
            for label in row["labelsOrTypes"] or []:
                found.update(IndexSpec(label, p) for p in row["properties"] or [])
        return found

    async def ensure_indexes(self, indexes: Sequence[IndexSpec]) -> None:
        for spec in indexes:
            name = f"rg_{spec.label.lower()}_{spec.prop.lower()}"
            await self._run(
                f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{spec.label}) ON (n.{spec.prop})",
                {},
                read_only=False,
            )

    async def ping(self) -> bool:
        await self._driver.verify_connectivity()
        return True

    async def drop_all(self) -> None:
        await self._run("MATCH (n) DETACH DELETE n", {}, read_only=False)

    async def close(self) -> None:
        await self._driver.close()
