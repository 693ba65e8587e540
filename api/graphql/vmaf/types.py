"""The GraphQL type of a VMAF request and its outcome."""

from __future__ import annotations

import strawberry

from api.services.vmaf import VmafStatus


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
