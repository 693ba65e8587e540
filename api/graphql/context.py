"""Per-request GraphQL context: process state, the caller, and fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from api.services.state import AppState, Principal
from graph.analyses import Analysis
from graph.errors import Unauthenticated


@dataclass
class Context:
    state: AppState
    principal: Principal | None
    connection_params: dict[str, Any] | None = None
    analyses_by_session: DataLoader[str, list[Analysis]] = field(init=False)

    def __post_init__(self) -> None:
        self.analyses_by_session = DataLoader(load_fn=self._load_analyses)

    async def _load_analyses(self, session_ids: list[str]) -> list[list[Analysis]]:
        found = await self.state.analyses.for_sessions(session_ids)
        return [found.get(sid, []) for sid in session_ids]

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("missing X-API-Key or Authorization: Bearer header")
        return self.principal
