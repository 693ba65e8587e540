"""FalkorDB implementation of :class:`GraphBackend` over the ``falkordb.asyncio`` client."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis
from falkordb.asyncio.graph import AsyncGraph
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FalkorPath
from redis.asyncio import BlockingConnectionPool
from redis.exceptions import ResponseError

from graph.backend.base import GraphBackend, IndexSpec, Record


def _decode(value: Any) -> Any:
    if isinstance(value, Node | Edge):
        return dict(value.properties)
    if isinstance(value, FalkorPath):
        return [_decode(n) for n in value.nodes()]
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value


class FalkorDBBackend(GraphBackend):
    """Graph store embedded by default: a Redis module that speaks Cypher."""

    name = "falkordb"

    def __init__(self, redis_url: str, graph_name: str, max_connections: int = 32) -> None:
        super().__init__()
        pool = BlockingConnectionPool.from_url(
            redis_url, max_connections=max_connections, timeout=30, decode_responses=True
        )
        self._client = aioredis.Redis(connection_pool=pool)
        # The client's FalkorDB() constructor probes for cluster mode with a sync client built
        # from the pool's kwargs, which breaks on unix sockets; the graph only needs a client.
        self._graph = AsyncGraph(self._client, graph_name)

    async def _run(self, query: str, params: dict[str, Any], *, read_only: bool) -> list[Record]:
        if read_only:
            result = await self._graph.ro_query(query, params or None)
        else:
            result = await self._graph.query(query, params or None)
        header = [h[1] if isinstance(h, list | tuple) else h for h in (result.header or [])]
        return [
            dict(zip(header, (_decode(v) for v in row), strict=True)) for row in result.result_set
        ]

    async def list_indexes(self) -> set[IndexSpec]:
        try:
            result = await self._graph.ro_query(
                "CALL db.indexes() YIELD label, properties, entitytype "
                "RETURN label, properties, entitytype"
            )
        except ResponseError as exc:
            if "empty key" in str(exc):  # the graph does not exist until its first write
                return set()
            raise
        found: set[IndexSpec] = set()
        for label, props, entity in result.result_set:
            if entity == "NODE":
                found.update(IndexSpec(label, p) for p in props)
        return found

    async def ensure_indexes(self, indexes: Sequence[IndexSpec]) -> None:
        existing = await self.list_indexes()
        for spec in indexes:
            if spec not in existing:
                try:
                    await self._graph.query(f"CREATE INDEX FOR (n:{spec.label}) ON (n.{spec.prop})")
                except ResponseError as exc:
                    if "already indexed" not in str(exc):  # another process won the race
                        raise

    async def ping(self) -> bool:
        return bool(await self._client.ping())

    async def drop_all(self) -> None:
        await self._graph.query("MATCH (n) DETACH DELETE n")

    async def close(self) -> None:
        await self._client.aclose()
