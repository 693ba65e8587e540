"""``analysisEvents``: a session's analysis state changes as they happen."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.graphql.analyses.types import AnalysisEvent
from api.services.sessions import require_session
from graph.analyses import AnalysisState
from graph.events import listen


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
