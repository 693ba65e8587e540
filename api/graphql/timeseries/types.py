"""GraphQL types of time series: what series a session has, the points of one, its stats."""

from __future__ import annotations

import strawberry

from analysis.series import SeriesInfo
from graph.timeseries_stats import TimeSeriesStat as DomainStat


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


@strawberry.type(description="One computed statistic of a label group's series (stats method).")
class TimeSeriesStat:
    session_id: strawberry.ID
    label_group_id: strawberry.ID | None
    time_series_key: str
    metric: str = strawberry.field(description='e.g. "mean", "percentile 25.0", "std"')
    value: float

    @classmethod
    def from_domain(cls, stat: DomainStat) -> TimeSeriesStat:
        return cls(
            session_id=strawberry.ID(stat.session_id),
            label_group_id=strawberry.ID(stat.label_group_id),
            time_series_key=stat.time_series_key,
            metric=stat.metric,
            value=stat.value,
        )


@strawberry.input(description="One point of an imported series: t in ms from the session start.")
class TimeSeriesPointInput:
    t: float
    value: float
