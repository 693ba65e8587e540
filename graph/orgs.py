"""Orgs and API keys: ownership and authentication facts (only key hashes are stored)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
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
    created_at: float | None = None
    revoked_at: float | None = None  # a revoked key (and every token from it) is refused
    project_id: str | None = None  # the project its calls act for (signed download requests)
    email: str | None = None  # its owner's email: who uploaded what (query images)
    org_name: str | None = field(default=None, compare=False)


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
                  project_id: $project_id, email: $email, created_at: $now})-[:OF]->(o)
RETURN k.id AS id
"""
_KEY_RETURN = """
RETURN k.id AS id, k.org_id AS org_id, k.scopes AS scopes, k.name AS name,
       k.created_at AS created_at, k.revoked_at AS revoked_at, o.name AS org_name,
       k.project_id AS project_id, k.email AS email
"""
_FIND_KEY = "MATCH (k:ApiKey {hash: $hash})-[:OF]->(o:Org) WHERE k.revoked_at IS NULL" + _KEY_RETURN
_FIND_KEY_BY_ID = (
    "MATCH (k:ApiKey {id: $id})-[:OF]->(o:Org) WHERE k.revoked_at IS NULL" + _KEY_RETURN
)
_LIST_KEYS = (
    "MATCH (k:ApiKey)-[:OF]->(o:Org) WHERE $org IS NULL OR o.name = $org"
    + _KEY_RETURN
    + "ORDER BY o.name, k.created_at, k.id"
)
# revoking twice keeps the first time
_REVOKE_KEY = (
    "MATCH (k:ApiKey {id: $id})-[:OF]->(o:Org) "
    "SET k.revoked_at = coalesce(k.revoked_at, $now)" + _KEY_RETURN
)


def _key(row: dict[str, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"],
        org_id=row["org_id"],
        scopes=tuple(row["scopes"] or ()),
        name=row["name"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        org_name=row["org_name"],
        project_id=row.get("project_id"),
        email=row.get("email"),
    )


class OrgStore:
    """Cypher for orgs and API keys."""

    def __init__(self, graph: GraphBackend) -> None:
        self.graph = graph

    async def ensure_org(self, name: str) -> Org:
        rows = await self.graph.run(_ENSURE_ORG, {"name": name, "id": new_id(), "now": now_s()})
        return Org(id=rows[0]["id"], name=rows[0]["name"])

    async def create_api_key(
        self,
        org_id: str,
        key: str,
        scopes: tuple[str, ...],
        name: str | None = None,
        project_id: str | None = None,
        email: str | None = None,
    ) -> ApiKey:
        key_id = new_id()
        now = now_s()
        params: dict[str, Any] = {
            "org_id": org_id,
            "id": key_id,
            "hash": hash_api_key(key),
            "scopes": list(scopes),
            "name": name,
            "project_id": project_id,
            "email": email,
            "now": now,
        }
        await self.graph.run(_CREATE_KEY, params)
        return ApiKey(
            id=key_id,
            org_id=org_id,
            scopes=scopes,
            name=name,
            created_at=now,
            project_id=project_id,
            email=email,
        )

    async def find_api_key(self, key: str) -> ApiKey | None:
        """The active (not revoked) key with this secret."""
        row = await self.graph.read_one(_FIND_KEY, {"hash": hash_api_key(key)})
        return None if row is None else _key(row)

    async def find_api_key_by_id(self, key_id: str) -> ApiKey | None:
        """The active (not revoked) key with this id: what a JWT names in its ``sub``."""
        row = await self.graph.read_one(_FIND_KEY_BY_ID, {"id": key_id})
        return None if row is None else _key(row)

    async def list_api_keys(self, org_name: str | None = None) -> list[ApiKey]:
        """Every key (revoked ones too), of one org or of all."""
        return [_key(row) for row in await self.graph.read(_LIST_KEYS, {"org": org_name})]

    async def revoke_api_key(self, key_id: str) -> ApiKey | None:
        """Mark the key revoked (it is kept, for the record); None when there is no such key."""
        rows = await self.graph.run(_REVOKE_KEY, {"id": key_id, "now": now_s()})
        return _key(rows[0]) if rows else None
