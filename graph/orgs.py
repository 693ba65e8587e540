"""Orgs and API keys: ownership and authentication facts (only key hashes are stored)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from graph.backend import GraphBackend
from graph.ids import new_id, now_s


@dataclass(frozen=True)
class Org:
    id: str
    name: str


@dataclass(frozen=True)
class ApiKey:
    id: str
    org_id: str
    scopes: tuple[str, ...]
    name: str | None = None


def hash_api_key(key: str) -> str:
    """Keys are 256-bit random tokens, so a plain SHA-256 is a sufficient, fast lookup hash."""
    return hashlib.sha256(key.encode()).hexdigest()


_ENSURE_ORG = """
MERGE (o:Org {name: $name})
ON CREATE SET o.id = $id, o.created_at = $now
RETURN o.id AS id, o.name AS name
"""
_CREATE_KEY = """
MATCH (o:Org {id: $org_id})
CREATE (k:ApiKey {id: $id, org_id: $org_id, hash: $hash, scopes: $scopes, name: $name,
                  created_at: $now})-[:OF]->(o)
RETURN k.id AS id
"""
_FIND_KEY = """
MATCH (k:ApiKey {hash: $hash})
RETURN k.id AS id, k.org_id AS org_id, k.scopes AS scopes, k.name AS name
"""


class OrgStore:
    """Cypher for orgs and API keys."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def ensure_org(self, name: str) -> Org:
        rows = await self.graph.run(_ENSURE_ORG, {"name": name, "id": new_id(), "now": now_s()})
        return Org(id=rows[0]["id"], name=rows[0]["name"])

    async def create_api_key(
        self, org_id: str, key: str, scopes: tuple[str, ...], name: str | None = None
    ) -> ApiKey:
        key_id = new_id()
        params: dict[str, Any] = {
            "org_id": org_id,
            "id": key_id,
            "hash": hash_api_key(key),
            "scopes": list(scopes),
            "name": name,
            "now": now_s(),
        }
        await self.graph.run(_CREATE_KEY, params)
        return ApiKey(id=key_id, org_id=org_id, scopes=scopes, name=name)

    async def find_api_key(self, key: str) -> ApiKey | None:
        row = await self.graph.read_one(_FIND_KEY, {"hash": hash_api_key(key)})
        if row is None:
            return None
        return ApiKey(
            id=row["id"], org_id=row["org_id"], scopes=tuple(row["scopes"] or ()), name=row["name"]
        )
