"""``vmafStatus``: a session's VMAF request and result."""

from __future__ import annotations

import strawberry

from api.graphql.vmaf.types import VmafResult
from api.services.vmaf import vmaf_status


@strawberry.type
class VmafQuery:
    @strawberry.field(description="The session's VMAF request and result; null if never run.")
    async def vmaf_status(
        self, info: strawberry.Info, session_id: strawberry.ID
    ) -> VmafResult | None:
        ctx = info.context
        found = await vmaf_status(ctx.state, ctx.require_principal(), str(session_id))
        return VmafResult.from_domain(found) if found else None
