"""GraphQL types of labels and label groups, and a session's labels as a connection."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.graphql.common.node import Node
from api.graphql.common.pagination import PageInfo
from api.services.pagination import check_first, page_position
from graph.ids import encode_cursor
from graph.labels import Label as LabelDomain

MAX_LABEL_PAGE = 1000


@strawberry.type
class Label(Node):
    id: strawberry.ID
    label_group_id: strawberry.ID
    label_type: str
    session_id: strawberry.ID
    name: str | None
    category: str | None
    start_time: float = strawberry.field(description="Milliseconds from session start.")
    end_time: float = strawberry.field(description="Milliseconds from session start.")
    ts_start: float = strawberry.field(description="Epoch seconds: session tsStart + startTime.")
    ts_end: float
    data: JSON | None
    video_box: list[list[int]] | None
    pinned: bool

    @classmethod
    def from_domain(cls, label: LabelDomain) -> Label:
        return cls(
            id=strawberry.ID(label.id),
            label_group_id=strawberry.ID(label.label_group_id),
            label_type=label.label_type,
            session_id=strawberry.ID(label.session_id),
            name=label.name,
            category=label.category,
            start_time=label.start_ms,
            end_time=label.end_ms,
            ts_start=label.ts_start,
            ts_end=label.ts_end,
            data=label.data,
            video_box=label.video_box,
            pinned=label.pinned,
        )


@strawberry.type
class LabelEdge:
    node: Label
    cursor: str


@strawberry.type
class LabelConnection:
    edges: list[LabelEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    async def of_session(
        cls,
        info: strawberry.Info,
        session_id: str,
        label_type: str | None,
        first: int,
        after: str | None,
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
        return cls(edges=edges, page_info=PageInfo.of(edges, len(rows) > first), total_count=total)


def _wants_total(info: strawberry.Info) -> bool:
    """Skip the count query when the client did not select totalCount."""
    return any(
        sel.name == "totalCount"
        for field in info.selected_fields
        for sel in field.selections
        if hasattr(sel, "name")
    )


@strawberry.type
class LabelGroup(Node):
    id: strawberry.ID
    session_id: strawberry.ID
    labels: list[Label]

    @classmethod
    def from_domain(cls, group_id: str, session_id: str, labels: list[LabelDomain]) -> LabelGroup:
        return cls(
            id=strawberry.ID(group_id),
            session_id=strawberry.ID(session_id),
            labels=[Label.from_domain(lab) for lab in labels],
        )


@strawberry.input
class LabelInput:
    label_type: str
    start_time: JSON = strawberry.field(
        description='Milliseconds, or a string of seconds ("10.5").'
    )
    end_time: JSON
    name: str | None = None
    video_box: list[list[int]] | None = None
    data: JSON | None = None
    label_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Join an existing group; a new group otherwise."
    )
    pinned: bool | None = False
