"""The API as clients call it: GraphQL over HTTP and REST uploads, with one org's key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

SESSION_FIELDS = """
id name status error kind durationMs fps frameCount width height hasAudio audioChannels
sampleRate tsStart tags analyses { key state message progress }
"""
LABEL_FIELDS = """
id labelGroupId labelType sessionId name category startTime endTime tsStart tsEnd data
videoBox pinned
"""


@dataclass
class ApiClient:
    http: httpx.AsyncClient
    key: str
    org_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.key}

    async def gql_raw(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.gql_raw(query, **variables)
        assert not body.get("errors"), body["errors"]
        return dict(body["data"])

    async def gql_error(self, query: str, **variables: Any) -> dict[str, Any]:
        """The first error of a query expected to fail."""
        body = await self.gql_raw(query, **variables)
        assert body.get("errors"), body
        return dict(body["errors"][0])

    async def upload(self, path: Path) -> str:
        response = await self.http.post(
            f"/api/v1/files?filename={path.name}", content=path.read_bytes(), headers=self.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["success"] is True
        return str(body["file_uuid"])

    async def create_session_from_file(self, path: Path, **extra: Any) -> dict[str, Any]:
        upload_id = await self.upload(path)
        data = await self.gql(
            f"mutation($input: CreateSessionInput!) {{ createSession(input: $input) "
            f"{{ {SESSION_FIELDS} }} }}",
            input={"uploadId": upload_id, **extra},
        )
        return dict(data["createSession"])

    async def session(self, session_id: str) -> dict[str, Any]:
        data = await self.gql(
            f"query($id: ID!) {{ session(id: $id) {{ {SESSION_FIELDS} }} }}", id=session_id
        )
        return dict(data["session"])

    async def add_labels(self, session_id: str, labels: list[dict[str, Any]]) -> list[dict]:
        data = await self.gql(
            f"mutation($s: ID!, $l: [LabelInput!]!) {{ addLabels(sessionId: $s, labels: $l) "
            f"{{ {LABEL_FIELDS} }} }}",
            s=session_id,
            l=labels,
        )
        return list(data["addLabels"])
