"""``timeSeries`` (points of one series), ``timeSeriesStats`` and ``pcapStats``."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.graphql.timeseries.types import TimeSeries, TimeSeriesPoint, TimeSeriesStat
from api.services.pcap import pcap_stats
from api.services.timeseries import time_series_points, time_series_stats


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

    @strawberry.field(
        description="Statistics computed by stats time-series-request labels: the session's, or "
        "one label group's (the union of its members' metrics over the union of their "
        "intervals). std is the population standard deviation; percentiles interpolate "
        "linearly between ranks (numpy's defaults)."
    )
    async def time_series_stats(
        self,
        info: strawberry.Info,
        session_id: strawberry.ID,
        label_group_id: strawberry.ID | None = None,
    ) -> list[TimeSeriesStat]:
        ctx = info.context
        stats = await time_series_stats(
            ctx.state, ctx.require_principal(), str(session_id),
            str(label_group_id) if label_group_id is not None else None,
        )  # fmt: skip
        return [TimeSeriesStat.from_domain(s) for s in stats]

    @strawberry.field(
        description='Counts of the session\'s capture: {"hosts": {"a b": {"forward"|"backward": '
        '{PROTOCOL: {"value": ...}}}}}. protocol: TCP or UDP (all when null); units: frame or '
        "bytes; index: protocol, direction or interpacket. timeout < 0 waits until the stats "
        'are computed, 0 answers at once ({"status": "pending"} while they are not), > 0 waits '
        "that many seconds."
    )
    async def pcap_stats(
        self,
        info: strawberry.Info,
        session_id: strawberry.ID,
        protocol: str | None = None,
        units: str | None = "frame",
        index: str | None = "protocol",
        timeout: float | None = -1,
    ) -> JSON:
        ctx = info.context
        result: dict[str, Any] = await pcap_stats(
            ctx.state, ctx.require_principal(), str(session_id),
            protocol=protocol, units=units or "frame", index=index or "protocol",
            timeout=timeout,
        )  # fmt: skip
        return cast(JSON, result)
