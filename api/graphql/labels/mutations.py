"""Labels: add, update, re-run and delete."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.labels.types import Label, LabelInput
from api.services import labels as label_service
from api.services.label_input import LabelSpec, validate_label
from graph.errors import InvalidInput


def _spec(index: int, item: LabelInput) -> LabelSpec:
    """``item`` validated; an error names the label's index in the list."""
    try:
        return validate_label(
            label_type=item.label_type,
            start_time=item.start_time,
            end_time=item.end_time,
            name=item.name,
            data=item.data,
            video_box=item.video_box,
            label_group_id=str(item.label_group_id) if item.label_group_id else None,
            pinned=bool(item.pinned),
        )
    except InvalidInput as exc:
        exc.details["index"] = index
        exc.message = f"labels[{index}]: {exc.message}"
        raise


def _unset_if_missing(value: Any) -> Any:
    return label_service.UNSET if value is strawberry.UNSET else value


@strawberry.type
class LabelMutation:
    @strawberry.mutation(description="Add labels; each starts a new group unless labelGroupId.")
    async def add_labels(
        self, info: strawberry.Info, session_id: strawberry.ID, labels: list[LabelInput]
    ) -> list[Label]:
        specs = [_spec(index, item) for index, item in enumerate(labels)]
        added = await label_service.add_labels(
            info.context.state, info.context.require_principal(), str(session_id), specs
        )
        return [Label.from_domain(lab) for lab in added]

    @strawberry.mutation
    async def update_label(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        name: str | None = strawberry.UNSET,
        start_time: JSON | None = strawberry.UNSET,
        end_time: JSON | None = strawberry.UNSET,
        data: JSON | None = strawberry.UNSET,
        video_box: list[list[int]] | None = strawberry.UNSET,
        pinned: bool | None = strawberry.UNSET,
    ) -> Label:
        updated = await label_service.update_label(
            info.context.state,
            info.context.require_principal(),
            str(id),
            name=_unset_if_missing(name),
            start_time=_unset_if_missing(start_time),
            end_time=_unset_if_missing(end_time),
            data=_unset_if_missing(data),
            video_box=_unset_if_missing(video_box),
            pinned=_unset_if_missing(pinned),
        )
        return Label.from_domain(updated)

    @strawberry.mutation(
        description="Run a request label's analyses again; the new results replace the old."
    )
    async def rerun_label(self, info: strawberry.Info, id: strawberry.ID) -> Label:
        label = await label_service.rerun_label(
            info.context.state, info.context.require_principal(), str(id)
        )
        return Label.from_domain(label)

    @strawberry.mutation(
        description="Delete a label; a request label's result labels and series go with it."
    )
    async def delete_label(self, info: strawberry.Info, id: strawberry.ID) -> bool:
        return await label_service.delete_label(
            info.context.state, info.context.require_principal(), str(id)
        )
