"""Label use cases: add (one round trip for any batch), read, update, delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from api.services.label_input import (
    MAX_LABELS_PER_CALL,
    LabelSpec,
    check_data,
    check_name,
    check_time_range,
    check_video_box,
    parse_time_ms,
)
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, InvalidInput, NotFound
from graph.events import publish
from graph.ids import new_id, now_s
from graph.labels import Label, label_row
from workers.request_plan import plan_of
from workers.requests import admit_requests, forget_request, queue_requests

UNSET: Any = object()


async def add_labels(
    state: AppState, principal: Principal, session_id: str, specs: Sequence[LabelSpec]
) -> list[Label]:
    """Add labels to a session; a label without ``label_group_id`` starts a new group.

    Everything is checked before anything is written, so a bad label leaves no trace.
    """
    if not specs:
        raise InvalidInput("labels must not be empty", code=ErrorCode.NO_LABELS)
    if len(specs) > MAX_LABELS_PER_CALL:
        raise InvalidInput(
            f"at most {MAX_LABELS_PER_CALL} labels per call", code=ErrorCode.TOO_MANY_LABELS
        )
    session = await require_session(state, principal, session_id)
    wanted = sorted({s.label_group_id for s in specs if s.label_group_id})
    groups = await state.labels.groups(wanted)
    for group_id in wanted:
        found = groups.get(group_id)
        if found is None or found["org_id"] != principal.org_id:
            raise NotFound(
                f"label group {group_id} not found", code=ErrorCode.LABEL_GROUP_NOT_FOUND
            )
        if found["session_id"] != session.id:
            raise InvalidInput(
                f"label group {group_id} belongs to another session",
                code=ErrorCode.LABEL_GROUP_OTHER_SESSION,
            )
    created = now_s()
    labels = [
        Label(
            id=new_id(),
            session_id=session.id,
            org_id=principal.org_id,
            label_group_id=spec.label_group_id or new_id(),
            label_type=spec.label_type,
            start_ms=spec.start_ms,
            end_ms=spec.end_ms,
            ts_start=session.ts_start + spec.start_ms / 1000.0,
            ts_end=session.ts_start + spec.end_ms / 1000.0,
            created_at=created,
            name=spec.name,
            category=spec.category,
            data=spec.data,
            video_box=spec.video_box,
            pinned=spec.pinned,
        )
        for spec in specs
    ]
    for label in labels:
        plan_of(label, session)  # a bad request label fails the whole call before any write
    await admit_requests(state, session, labels)  # checks that read the stores, likewise
    await state.labels.add_many(session.id, labels)
    await queue_requests(state, session, labels)
    await publish(
        state.redis, session.id, {"type": "labels", "labels": [label_row(lab) for lab in labels]}
    )
    return labels


async def get_label(state: AppState, principal: Principal, label_id: str) -> Label | None:
    return await state.labels.get(label_id, principal.org_id)


async def get_label_group(
    state: AppState, principal: Principal, group_id: str
) -> tuple[str, list[Label]] | None:
    return await state.labels.group_labels(group_id, principal.org_id)


async def update_label(
    state: AppState,
    principal: Principal,
    label_id: str,
    *,
    name: Any = UNSET,
    start_time: Any = UNSET,
    end_time: Any = UNSET,
    data: Any = UNSET,
    video_box: Any = UNSET,
    pinned: Any = UNSET,
) -> Label:
    """Change the given fields only; times keep the seed's ms/seconds rules."""
    label = await state.labels.get(label_id, principal.org_id)
    if label is None:
        raise NotFound(f"label {label_id} not found", code=ErrorCode.LABEL_NOT_FOUND)
    session = await require_session(state, principal, label.session_id)
    start_ms = label.start_ms if start_time is UNSET else parse_time_ms(start_time, "startTime")
    end_ms = label.end_ms if end_time is UNSET else parse_time_ms(end_time, "endTime")
    check_time_range(start_ms, end_ms)
    changed = replace(
        label,
        start_ms=start_ms,
        end_ms=end_ms,
        ts_start=session.ts_start + start_ms / 1000.0,
        ts_end=session.ts_start + end_ms / 1000.0,
        name=label.name if name is UNSET else check_name(name),
        data=label.data if data is UNSET else check_data(data),
        video_box=label.video_box if video_box is UNSET else check_video_box(video_box),
        pinned=label.pinned if pinned is UNSET or pinned is None else bool(pinned),
    )
    rerun = plan_of(changed, session) is not None and _request_changed(label, changed)
    if rerun:
        await admit_requests(state, session, [changed])
    updated = await state.labels.update(changed)
    if rerun:  # the request now asks for something else: its results are replaced
        await queue_requests(state, session, [updated])
    return updated


def _request_changed(before: Label, after: Label) -> bool:
    fields = ("start_ms", "end_ms", "data", "video_box")
    return any(getattr(before, f) != getattr(after, f) for f in fields)


async def rerun_label(state: AppState, principal: Principal, label_id: str) -> Label:
    """Run a request label's analyses again; its new results replace the previous ones."""
    label = await state.labels.get(label_id, principal.org_id)
    if label is None:
        raise NotFound(f"label {label_id} not found", code=ErrorCode.LABEL_NOT_FOUND)
    session = await require_session(state, principal, label.session_id)
    if plan_of(label, session) is None:
        raise InvalidInput(
            f"a {label.label_type} label requests no analysis", code=ErrorCode.NOT_A_REQUEST_LABEL
        )
    await queue_requests(state, session, [label])
    return label


async def delete_label(state: AppState, principal: Principal, label_id: str) -> bool:
    """Delete a label; a request label takes its result labels, series and runs with it."""
    label = await state.labels.get(label_id, principal.org_id)
    if label is None:
        raise NotFound(f"label {label_id} not found", code=ErrorCode.LABEL_NOT_FOUND)
    await forget_request(state, label)
    await state.labels.delete(label_id, principal.org_id)
    return True
