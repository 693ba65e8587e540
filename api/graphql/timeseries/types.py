"""GraphQL types of time series: what series a session has, and the points of one."""

from __future__ import annotations

import strawberry

from analysis.series import SeriesInfo


@strawberry.type(description="A time series of a session: its key, name, category and units.")
class TimeSeriesInfo:
    key: str
    name: str
    category: str
    units: str | None

    @classmethod
    def from_domain(cls, info: SeriesInfo) -> TimeSeriesInfo:
        return cls(key=info.key, name=info.name, category=info.category, units=info.units)


@strawberry.type
class TimeSeriesPoint:
    t: float = strawberry.field(description="ms from the session start")
    value: float


@strawberry.type
class TimeSeries:
    key: str
    points: list[TimeSeriesPoint]
