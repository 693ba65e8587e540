"""Time series and VMAF (seed 000): ``timeSeries``, ``runVmaf`` and ``vmafStatus``."""

from __future__ import annotations

import strawberry

from api.graphql.types import TimeSeries, TimeSeriesPoint
from api.services.timeseries import time_series_points
from api.services.vmaf import VmafStatus, request_vmaf, vmaf_status


@strawberry.type(description="A VMAF request and its outcome, in seed 000's words.")
class VmafResult:
    status: str = strawberry.field(description='"pending", "success" or "error".')
    warnings: str | None = strawberry.field(
        description="Set on success when the two videos differ in frames, size or rate."
    )
    message: str | None = strawberry.field(description="Why the analysis failed.")
    reference_session_id: strawberry.ID
    distorted_session_id: strawberry.ID
    phone_model: bool
    vmaf: float | None = strawberry.field(description="Mean VMAF over the scored frames.")

    @classmethod
    def from_domain(cls, result: VmafStatus) -> VmafResult:
        return cls(
            status=result.status,
            warnings=result.warnings,
            message=result.message,
            reference_session_id=strawberry.ID(result.reference_session_id),
            distorted_session_id=strawberry.ID(result.distorted_session_id),
            phone_model=result.phone_model,
            vmaf=result.vmaf,
        )


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

    @strawberry.field(description="The session's VMAF request and result; null if never run.")
    async def vmaf_status(
        self, info: strawberry.Info, session_id: strawberry.ID
    ) -> VmafResult | None:
        ctx = info.context
        found = await vmaf_status(ctx.state, ctx.require_principal(), str(session_id))
        return VmafResult.from_domain(found) if found else None


@strawberry.type
class TimeSeriesMutation:
    @strawberry.mutation(
        description="Score this session (distorted) against a reference session with VMAF. "
        "timeout < 0 waits until done, 0 returns pending at once, > 0 waits that many seconds."
    )
    async def run_vmaf(
        self,
        info: strawberry.Info,
        session_id: strawberry.ID,
        reference_session_id: strawberry.ID,
        timeout: float | None = -1,
        phone_model: bool = False,
    ) -> VmafResult:
        ctx = info.context
        result = await request_vmaf(
            ctx.state, ctx.require_principal(), str(session_id), str(reference_session_id),
            timeout=timeout, phone_model=phone_model,
        )  # fmt: skip
        return VmafResult.from_domain(result)
