"""``timeSeries``: the points of one series of a session, optionally down-sampled."""

from __future__ import annotations

import strawberry

from api.graphql.timeseries.types import TimeSeries, TimeSeriesPoint
from api.services.timeseries import time_series_points


@strawberry.type
class TimeSeriesQuery:
    @strawberry.field(
        description="Points of one series (t in ms from the session start) in [startMs, endMs]; "
        "with maxPoints, each time bucket keeps its minimum and maximum. Null when the session "
        "has no series of that key (see Session.timeSeriesInfo)."
    )
    async def time_series(
        self,
        info: strawberry.Info,
        session_id: strawberry.ID,
        key: str,
        start_ms: float | None = None,
        end_ms: float | None = None,
        max_points: int | None = None,
    ) -> TimeSeries | None:
        ctx = info.context
        points = await time_series_points(
            ctx.state, ctx.require_principal(), str(session_id), key,
            start_ms=start_ms, end_ms=end_ms, max_points=max_points,
        )  # fmt: skip
        if points is None:
            return None
        return TimeSeries(key=key, points=[TimeSeriesPoint(t=t, value=v) for t, v in points])
