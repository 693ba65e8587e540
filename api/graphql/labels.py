"""Labels and label groups: queries, mutations and the ``labelsAdded`` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.types import Label, LabelConnection, LabelEdge, LabelGroup, LabelInput, PageInfo
from api.services import labels as label_service
from api.services.label_input import validate_label
from api.services.pagination import check_first, page_position
from api.services.sessions import require_session
from graph.errors import InvalidInput
from graph.events import listen
from graph.ids import encode_cursor
from graph.labels import label_from_record

MAX_LABEL_PAGE = 1000


async def resolve_session_labels(
    info: strawberry.Info, session_id: str, label_type: str | None, first: int, after: str | None
) -> LabelConnection:
    """One page of a session's labels in timeline order; totalCount counts all of them."""
    check_first(first, MAX_LABEL_PAGE)
    position = page_position(after)
    store = info.context.state.labels
    rows = await store.page(session_id, limit=first + 1, label_type=label_type, after=position)
    edges = [
        LabelEdge(node=Label.from_domain(r), cursor=encode_cursor(r.start_ms, r.id))
        for r in rows[:first]
    ]
    total = await store.count(session_id, label_type) if _wants_total(info) else -1
    return LabelConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=total,
    )


def _wants_total(info: strawberry.Info) -> bool:
    """Skip the count query when the client did not select totalCount."""
    return any(
        sel.name == "totalCount"
        for field in info.selected_fields
        for sel in field.selections
        if hasattr(sel, "name")
    )


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
        return LabelGroup(
            id=id,
            session_id=strawberry.ID(session_id),
            labels=[Label.from_domain(lab) for lab in labels],
        )


def _unset_if_missing(value: Any) -> Any:
    return label_service.UNSET if value is strawberry.UNSET else value


@strawberry.type
class LabelMutation:
    @strawberry.mutation(description="Add labels; each starts a new group unless labelGroupId.")
    async def add_labels(
        self, info: strawberry.Info, session_id: strawberry.ID, labels: list[LabelInput]
    ) -> list[Label]:
        specs = []
        for index, item in enumerate(labels):
            try:
                specs.append(
                    validate_label(
                        label_type=item.label_type,
                        start_time=item.start_time,
                        end_time=item.end_time,
                        name=item.name,
                        data=item.data,
                        video_box=item.video_box,
                        label_group_id=str(item.label_group_id) if item.label_group_id else None,
                        pinned=bool(item.pinned),
                    )
                )
            except InvalidInput as exc:
                exc.details["index"] = index
                exc.message = f"labels[{index}]: {exc.message}"
                raise
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


@strawberry.type
class LabelSubscription:
    @strawberry.subscription(description="Every label added to the session from now on.")
    async def labels_added(
        self, info: strawberry.Info, session_id: strawberry.ID
    ) -> AsyncGenerator[Label, None]:
        state = info.context.state
        await require_session(state, info.context.require_principal(), str(session_id))
        async for event in listen(state.redis, str(session_id)):
            if event.get("type") == "labels":
                for row in event.get("labels", []):
                    yield Label.from_domain(label_from_record(row))
