"""Request labels → analysis jobs: what each request type runs, checked before anything is written.

A request label names its analyses in ``data.analysis_keys`` (all of its type's when absent) and
overrides thresholds in ``data.parameters`` (nested as the analysis' parameter groups). Every
problem is an ``InvalidInput`` naming the key or parameter, raised while the label is added, so
a bad request leaves no label behind. The job re-plans from the stored label, so an edited
label runs with what it says now.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from analysis.media.frame_scan import Box
from analysis.quality.suite import QUALITY_KEYS, QualityParams
from analysis.screen.suite import SCREEN_KEYS, ScreenParams
from graph.errors import InvalidInput
from graph.sessions import Session, SessionStatus

VIDEO_CONTENT = "video-content"
SCREEN_REQUEST = "screen-analysis-request"
PAGE_LOAD_REQUEST = "page-load-request"
REQUEST_TYPES = (VIDEO_CONTENT, SCREEN_REQUEST, PAGE_LOAD_REQUEST)
SCREEN_FREEZING = "screen_freezing"
VIDEO_QUALITY_MOS = "video_quality_mos"
POOR_VIDEO_QUALITY = "poor-video-quality-issue"
PAGE_LOAD_KEY = "page-load"
# Seed 000: screen freezing runs only on sessions tagged {"analysis": "screen freezing"}.
FREEZING_TAG = ("analysis", "screen freezing")

P = TypeVar("P")


@dataclass(frozen=True)
class RequestPlan:
    """What one request label runs: the job, the analysis names it uses, the tracked keys."""

    job: str
    names: tuple[str, ...]  # analysis names as the label gives them (underscores)
    tracked: tuple[str, ...]  # the Analysis keys these move (seed's trackable names)
    box: Box | None
    params: Any


def tracked_key(name: str) -> str:
    """``downsampling_index`` → ``downsampling-index`` (the seed's trackable spelling)."""
    return name.replace("_", "-")


def has_freezing_tag(tags: Any) -> bool:
    key, value = FREEZING_TAG
    if isinstance(tags, Mapping):
        found = tags.get(key)
        return found == value or (isinstance(found, list) and value in found)
    return False


def is_request(label_type: str) -> bool:
    return label_type in REQUEST_TYPES


def plan_request(
    label_type: str,
    start_ms: float,
    end_ms: float,
    data: Any,
    video_box: Sequence[Sequence[int]] | None,
    session: Session,
) -> RequestPlan | None:
    """The plan of a request label, None for a label that requests nothing."""
    if not is_request(label_type):
        return None
    if end_ms <= start_ms:
        raise InvalidInput(
            f"a {label_type} label needs endTime after startTime", code="INVALID_TIME_RANGE"
        )
    if session.status is SessionStatus.READY and session.kind != "video":
        raise InvalidInput(f"a {label_type} label needs a session with video", code="NO_VIDEO")
    fields = data if isinstance(data, Mapping) else {}
    if data is not None and not isinstance(data, Mapping):
        raise InvalidInput(f"data of a {label_type} label must be an object", code="INVALID_DATA")
    box = _box(video_box, session)
    if label_type == PAGE_LOAD_REQUEST:
        screen = with_parameters(ScreenParams(), fields.get("parameters"))
        return RequestPlan("page_load", (PAGE_LOAD_KEY,), (PAGE_LOAD_KEY,), box, screen)
    if label_type == SCREEN_REQUEST:
        names = _names(fields.get("analysis_keys"), SCREEN_KEYS)
        screen = with_parameters(ScreenParams(), fields.get("parameters"))
        return RequestPlan("screen_analysis", names, tuple(map(tracked_key, names)), box, screen)
    names = _names(fields.get("analysis_keys"), QUALITY_KEYS)
    if SCREEN_FREEZING in names and not has_freezing_tag(session.tags):
        if fields.get("analysis_keys"):
            raise InvalidInput(
                'screen_freezing needs the session tag {"analysis": "screen freezing"}',
                code="SCREEN_FREEZING_NEEDS_TAG",
            )
        names = tuple(n for n in names if n != SCREEN_FREEZING)
    params = with_parameters(
        (QualityParams(), ScreenParams().poor_quality), fields.get("parameters")
    )
    tracked = tuple(map(tracked_key, names))
    if VIDEO_QUALITY_MOS in names:
        tracked += (POOR_VIDEO_QUALITY,)
    return RequestPlan("video_quality", names, tracked, box, params)


def _names(given: Any, known: tuple[str, ...]) -> tuple[str, ...]:
    if given is None:
        return known
    if not isinstance(given, list) or not all(isinstance(k, str) for k in given):
        raise InvalidInput("data.analysis_keys must be a list of strings", code="INVALID_DATA")
    unknown = [k for k in given if k not in known]
    if unknown:
        raise InvalidInput(
            f"unknown analysis key {unknown[0]!r} in data.analysis_keys; known: {', '.join(known)}",
            code="UNKNOWN_ANALYSIS_KEY",
            field="data.analysis_keys",
        )
    return tuple(k for k in known if k in given) if given else known


def _box(video_box: Sequence[Sequence[int]] | None, session: Session) -> Box | None:
    if not video_box:
        return None
    if len(video_box) != 1:
        raise InvalidInput(
            "an analysis label takes one video_box: [[x0, y0, x1, y1]]", code="INVALID_VIDEO_BOX"
        )
    box = Box(*video_box[0])
    if session.width and session.height and not box.fits(session.width, session.height):
        raise InvalidInput(
            f"videoBox {list(video_box[0])} is outside the {session.width}x{session.height} "
            "picture",
            code="INVALID_VIDEO_BOX",
        )
    return box


def with_parameters(defaults: P, given: Any, path: str = "data.parameters") -> P:
    """``defaults`` (a parameter dataclass, or a tuple of them searched in order) with the
    overrides of ``given``; a nested group takes a nested object."""
    if given is None:
        return defaults
    if not isinstance(given, Mapping):
        raise InvalidInput(f"{path} must be an object", code="INVALID_PARAMETER")
    if isinstance(defaults, tuple):
        groups = list(defaults)
        for name, value in given.items():
            owner = next((i for i, g in enumerate(groups) if _has_field(g, name)), None)
            if owner is None:
                raise _unknown(path, name, groups)
            groups[owner] = with_parameters(groups[owner], {name: value}, path)
        return tuple(groups)  # type: ignore[return-value]
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if not _has_field(defaults, name):
            raise _unknown(path, name, [defaults])
        current = getattr(defaults, name)
        where = f"{path}.{name}"
        if dataclasses.is_dataclass(current):
            changes[name] = with_parameters(current, value, where)
        else:
            changes[name] = _number_like(current, value, where)
    try:
        return dataclasses.replace(defaults, **changes)  # type: ignore[type-var]
    except ValueError as exc:  # a parameter group's own check (e.g. a rate of 0)
        raise InvalidInput(f"{path}: {exc}", code="INVALID_PARAMETER") from None


def _has_field(group: Any, name: str) -> bool:
    return dataclasses.is_dataclass(group) and name in {f.name for f in dataclasses.fields(group)}


def _unknown(path: str, name: str, groups: Sequence[Any]) -> InvalidInput:
    known = sorted({f.name for g in groups for f in dataclasses.fields(g)})
    return InvalidInput(
        f"unknown parameter {path}.{name}; known: {', '.join(known)}",
        code="INVALID_PARAMETER",
        field=f"{path}.{name}",
    )


def _number_like(current: Any, value: Any, where: str) -> Any:
    """A value of the default's type: bools stay bools, ints ints, floats finite floats."""
    if isinstance(current, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(current, int):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    elif isinstance(current, float):
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        ):
            return float(value)
    raise InvalidInput(
        f"{where} must be a {type(current).__name__} like its default {current!r}",
        code="INVALID_PARAMETER",
        field=where,
    )
