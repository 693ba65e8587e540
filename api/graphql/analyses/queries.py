"""``analysisStatus``: wait for a session's analyses with seed 000's timeout rules."""

from __future__ import annotations

import strawberry

from api.graphql.analyses.types import AnalysisStatus
from api.services.analyses import analysis_status


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
