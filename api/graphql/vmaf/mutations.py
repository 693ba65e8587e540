"""``runVmaf``: score a session against a reference session."""

from __future__ import annotations

import strawberry

from api.graphql.vmaf.types import VmafResult
from api.services.vmaf import request_vmaf


@strawberry.type
class VmafMutation:
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
