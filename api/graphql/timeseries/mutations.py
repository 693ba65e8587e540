"""``addTimeSeries`` (import an external series) and ``attachPcap`` (a session's capture).

Sessions sit above time series among the areas (a session lists its series), so
``attachPcap`` names ``Session`` with ``strawberry.lazy`` and imports it when it resolves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.timeseries.types import TimeSeriesInfo, TimeSeriesPointInput
from api.services.pcap import attach_pcap
from api.services.timeseries import add_time_series

if TYPE_CHECKING:
    from api.graphql.sessions.types import Session

_SESSIONS = "api.graphql.sessions.types"


@strawberry.type
class TimeSeriesMutation:
    @strawberry.mutation(
        description="Import an external series (a device's CPU, frame rate, network...) so it "
        "can be analysed like the built-in ones. key: lowercase letters, digits and "
        "underscores; re-importing a key replaces it; the key of a built-in series is refused "
        "(TIME_SERIES_KEY_TAKEN). Points are t (ms from the session start) and value; within "
        "the GraphQL list limit inline, or up to 1,000,000 from a CSV upload (uploadId)."
    )
    async def add_time_series(
        self,
        info: strawberry.Info,
        session_id: strawberry.ID,
        key: str,
        points: list[TimeSeriesPointInput],
        name: str | None = None,
        category: str | None = None,
        units: str | None = None,
        upload_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Instead of points (give []): an upload (POST /api/v1/files) of a "
                "CSV of t,value lines, up to 1,000,000 points; the upload is consumed."
            ),
        ] = None,
    ) -> TimeSeriesInfo:
        ctx = info.context
        stored = await add_time_series(
            ctx.state, ctx.require_principal(), str(session_id), key,
            name=name, category=category, units=units,
            t_ms=[p.t for p in points], values=[p.value for p in points],
            upload_id=str(upload_id) if upload_id is not None else None,
        )  # fmt: skip
        return TimeSeriesInfo.from_domain(stored)

    @strawberry.mutation(
        description="Attach a packet capture (pcap or pcapng, uploaded with POST /api/v1/files) "
        "to the session: checked at once (NOT_A_CAPTURE, TRUNCATED_CAPTURE), then summed up by "
        "a job for pcapStats and the network_* series. Attaching another replaces it."
    )
    async def attach_pcap(
        self, info: strawberry.Info, session_id: strawberry.ID, upload_id: strawberry.ID
    ) -> Annotated[Session, strawberry.lazy(_SESSIONS)]:
        from api.graphql.sessions.types import Session

        ctx = info.context
        session = await attach_pcap(
            ctx.state, ctx.require_principal(), str(session_id), str(upload_id)
        )
        return Session.from_domain(session)
