"""GraphQL types of analyses: their state, the seed-000 status answer and live events."""

from __future__ import annotations

import strawberry

from graph.analyses import Analysis as AnalysisDomain
from graph.analyses import AnalysisState

# The domain enum is the GraphQL enum (strawberry registers the class itself).
strawberry.enum(AnalysisState)


@strawberry.type
class Analysis:
    key: str
    state: AnalysisState
    message: str | None
    progress: float | None
    started_at: float | None
    finished_at: float | None

    @classmethod
    def from_domain(cls, analysis: AnalysisDomain) -> Analysis:
        return cls(
            key=analysis.key,
            state=analysis.state,
            message=analysis.message,
            progress=analysis.progress,
            started_at=analysis.started_at,
            finished_at=analysis.finished_at,
        )


@strawberry.type
class AnalysisStatus:
    status: str = strawberry.field(description='"done", "timeout" or "error", as in seed 000.')
    message: str
    session_id: strawberry.ID


@strawberry.type
class AnalysisEvent:
    session_id: strawberry.ID
    key: str
    state: AnalysisState
    progress: float | None
    message: str | None
