"""Analyses: ``analysisStatus`` (seed 000 timeouts) and the ``analysisEvents`` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.graphql.types import AnalysisEvent, AnalysisState, AnalysisStatus
from api.services.analyses import analysis_status
from api.services.sessions import require_session
from graph.events import listen


@strawberry.type
class AnalysisQuery:
    @strawberry.field(
        description="Seed 000: timeout < 0 or omitted waits until done, 0 reads the current "
        "state, > 0 waits up to that many seconds."
    )
    async def analysis_status(
        self,
        info: strawberry.Info,
        session_id: strawberry.ID,
        track: list[str] | None = None,
        timeout: float | None = -1,
    ) -> AnalysisStatus:
        ctx = info.context
        result = await analysis_status(
            ctx.state, ctx.require_principal(), str(session_id), track=track, timeout=timeout
        )
        return AnalysisStatus(
            status=result.status,
            message=result.message,
            session_id=strawberry.ID(result.session_id),
        )


@strawberry.type
class AnalysisSubscription:
    @strawberry.subscription(description="Analysis state changes of a session, as they happen.")
    async def analysis_events(
        self, info: strawberry.Info, session_id: strawberry.ID, track: list[str] | None = None
    ) -> AsyncGenerator[AnalysisEvent, None]:
        state = info.context.state
        await require_session(state, info.context.require_principal(), str(session_id))
        async for event in listen(state.redis, str(session_id)):
            if event.get("type") != "analysis" or (track and event.get("key") not in track):
                continue
            yield AnalysisEvent(
                session_id=session_id,
                key=str(event["key"]),
                state=AnalysisState(event["state"]),
                progress=event.get("progress"),
                message=event.get("message"),
            )
