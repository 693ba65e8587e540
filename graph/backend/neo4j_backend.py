"""Neo4j implementation of :class:`GraphBackend` over the official async driver."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from neo4j import AsyncGraphDatabase, RoutingControl
from neo4j.exceptions import ClientError

from graph.backend.base import GraphBackend, IndexSpec, Record

# GQL statuses 01N50/01N51/01N52: "label / relationship type / property key does not exist".
# Normal here (a label no node has yet, an optional property never set); deprecations and
# other warnings still reach the log.
_UNKNOWN_NAME_STATUSES = ("01N50", "01N51", "01N52")


_ALREADY_INDEXED = frozenset(
    {
        "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
        "Neo.ClientError.Schema.IndexAlreadyExists",
    }
)


class _UnknownNameHints(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        printed = record.args[0] if isinstance(record.args, tuple) and record.args else None
        status = getattr(getattr(printed, "notification", None), "gql_status", "")
        return status not in _UNKNOWN_NAME_STATUSES


class Neo4jBackend(GraphBackend):
    """Production graph store."""

    name = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None) -> None:
        super().__init__()
        # the driver logs every statement with its parameters at DEBUG: user input and key
        # hashes stay out of the logs whatever the root level is
        logging.getLogger("neo4j").setLevel(logging.WARNING)
        notifications = logging.getLogger("neo4j.notifications")
        if not any(isinstance(f, _UnknownNameHints) for f in notifications.filters):
            notifications.addFilter(_UnknownNameHints())
        # a server that is down fails a statement within ~15 s (connect, then retries): the
        # API answers STORE_UNAVAILABLE instead of hanging for the driver's 30-60 s defaults
        self._driver = AsyncGraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=5.0,
            connection_acquisition_timeout=10.0,
            max_transaction_retry_time=5.0,
        )
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
            try:
                await self._run(
                    f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{spec.label}) ON (n.{spec.prop})",
                    {},
                    read_only=False,
                )
            except ClientError as exc:
                # the API and the workers start together: another process won the race
                if exc.code not in _ALREADY_INDEXED:
                    raise

    async def ping(self) -> bool:
        await self._driver.verify_connectivity()
        return True

    async def drop_all(self) -> None:
        await self._run("MATCH (n) DETACH DELETE n", {}, read_only=False)

    async def close(self) -> None:
        await self._driver.close()
