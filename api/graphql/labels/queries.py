"""Labels: ``label`` and ``labelGroup`` by id."""

from __future__ import annotations

import strawberry

from api.graphql.labels.types import Label, LabelGroup
from api.services import labels as label_service


@strawberry.type
class LabelQuery:
    @strawberry.field
    async def label(self, info: strawberry.Info, id: strawberry.ID) -> Label | None:
        found = await label_service.get_label(
            info.context.state, info.context.require_principal(), str(id)
        )
        return Label.from_domain(found) if found else None

    @strawberry.field
    async def label_group(self, info: strawberry.Info, id: strawberry.ID) -> LabelGroup | None:
        found = await label_service.get_label_group(
            info.context.state, info.context.require_principal(), str(id)
        )
        if found is None:
            return None
        session_id, labels = found
        return LabelGroup.from_domain(str(id), session_id, labels)
