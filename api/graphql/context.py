"""Per-request GraphQL context: process state, the caller, and fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from api.services.state import AppState, Principal
from graph.analyses import Analysis
from graph.chunks import Chunk
from graph.errors import ErrorCode, ReelgraphError, Unauthenticated
from graph.faces import CoOccurs, FaceTrace, Stranger, TraceLink
from graph.identities import Identity, IdentityPair
from graph.sessions import Session


@dataclass
class Context:
    state: AppState
    principal: Principal | None
    connection_params: dict[str, Any] | None = None
    analyses_by_session: DataLoader[str, list[Analysis]] = field(init=False)
    sessions_by_id: DataLoader[str, Session | None] = field(init=False)
    traces_by_key: DataLoader[str, FaceTrace | None] = field(init=False)
    trace_links: DataLoader[str, TraceLink | None] = field(init=False)
    co_occurs_by_trace: DataLoader[str, list[CoOccurs]] = field(init=False)
    strangers_by_session: DataLoader[str, list[Stranger]] = field(init=False)
    identities_by_id: DataLoader[str, Identity | None] = field(init=False)
    pairs_by_identity: DataLoader[str, list[IdentityPair]] = field(init=False)
    traces_by_identity: DataLoader[str, list[FaceTrace]] = field(init=False)
    chunks_by_session: DataLoader[str, list[Chunk]] = field(init=False)

    def __post_init__(self) -> None:
        self.analyses_by_session = DataLoader(load_fn=self._load_analyses)
        self.sessions_by_id = DataLoader(load_fn=self._load_sessions)
        self.traces_by_key = DataLoader(load_fn=self._load_traces)
        self.trace_links = DataLoader(load_fn=self._load_links)
        self.co_occurs_by_trace = DataLoader(load_fn=self._load_co_occurs)
        self.strangers_by_session = DataLoader(load_fn=self._load_strangers)
        self.identities_by_id = DataLoader(load_fn=self._load_identities)
        self.pairs_by_identity = DataLoader(load_fn=self._load_pairs)
        self.traces_by_identity = DataLoader(load_fn=self._load_identity_traces)
        self.chunks_by_session = DataLoader(load_fn=self._load_chunks)

    def _org_id(self) -> str:
        return self.require_principal().org_id

    async def _load_sessions(self, ids: list[str]) -> list[Session | None]:
        found = await self.state.sessions.get_many(ids, self._org_id())
        return [found.get(i) for i in ids]

    async def _load_traces(self, keys: list[str]) -> list[FaceTrace | None]:
        found = await self.state.faces.traces_by_key(keys)
        sessions = await self.sessions_by_id.load_many(sorted({k.rsplit(":", 1)[0] for k in keys}))
        allowed = {s.id for s in sessions if s is not None}
        return [t if (t := found.get(k)) and t.session_id in allowed else None for k in keys]

    async def _load_links(self, keys: list[str]) -> list[TraceLink | None]:
        found = await self.state.faces.links(keys)
        return [found.get(k) for k in keys]

    async def _load_co_occurs(self, keys: list[str]) -> list[list[CoOccurs]]:
        found = await self.state.faces.co_occurs(keys)
        return [found.get(k, []) for k in keys]

    async def _load_strangers(self, session_ids: list[str]) -> list[list[Stranger]]:
        found = await self.state.faces.strangers_by_session(session_ids)
        return [found.get(sid, []) for sid in session_ids]

    async def _load_identities(self, ids: list[str]) -> list[Identity | None]:
        found = await self.state.identities.by_ids(self._org_id(), ids)
        return [found.get(i) for i in ids]

    async def _load_pairs(self, ids: list[str]) -> list[list[IdentityPair]]:
        """The co-occurring pairs each identity is one end of (one query for all of them)."""
        found: dict[str, list[IdentityPair]] = {i: [] for i in ids}
        for pair in await self.state.identities.pairs(self._org_id(), ids=ids):
            for end in {pair.a, pair.b} & found.keys():
                found[end].append(pair)
        return [found[i] for i in ids]

    async def _load_identity_traces(self, ids: list[str]) -> list[list[FaceTrace]]:
        found = await self.state.identities.traces(ids)
        return [found.get(i, []) for i in ids]

    async def _load_chunks(self, session_ids: list[str]) -> list[list[Chunk]]:
        found = await self.state.chunks.by_sessions(session_ids)
        return [found.get(sid, []) for sid in session_ids]

    async def _load_analyses(self, session_ids: list[str]) -> list[list[Analysis]]:
        found = await self.state.analyses.for_sessions(session_ids)
        return [found.get(sid, []) for sid in session_ids]

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("missing X-API-Key or Authorization: Bearer header")
        if self.principal.labeller_id is not None:  # labeller tokens: the labelling fields only
            raise ReelgraphError(
                "a labeller token reaches only the labelling fields", code=ErrorCode.LABELLER_ONLY
            )
        return self.principal
