"""Validation and normalisation of label input, exactly as seed 000 describes labels."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from graph.errors import ErrorCode, InvalidInput

LABEL_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_NAME_CHARS = 512
MAX_DATA_BYTES = 64 * 1024
MAX_LABELS_PER_CALL = 10_000
# about 115 days: past any recording, and small enough that frame arithmetic stays finite
MAX_TIME_MS = 1e10
# Result labels whose category the seed shows as null.
_NULL_CATEGORY_TYPES = frozenset({"image-match-result"})


def parse_time_ms(value: Any, field_name: str) -> float:
    """Milliseconds from a number (ms) or a string of seconds ("10.5" -> 10500), as the seed."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(
            f"{field_name} must be milliseconds or a string of seconds",
            code=ErrorCode.INVALID_TIME,
            field=field_name,
        )
    if isinstance(value, int | float):
        try:
            ms = float(value)
        except OverflowError:  # an integer beyond any float
            ms = math.inf
    elif isinstance(value, str):
        try:
            ms = float(value.strip()) * 1000.0
        except ValueError:
            raise InvalidInput(
                f"{field_name} {value!r} is not a number of seconds",
                code=ErrorCode.INVALID_TIME,
                field=field_name,
            ) from None
    else:
        raise InvalidInput(
            f"{field_name} must be milliseconds or a string of seconds",
            code=ErrorCode.INVALID_TIME,
            field=field_name,
        )
    if not 0 <= ms <= MAX_TIME_MS:  # NaN fails this too
        raise InvalidInput(
            f"{field_name} must be a time from 0 to {MAX_TIME_MS:.0f} ms",
            code=ErrorCode.INVALID_TIME,
            field=field_name,
        )
    return round(ms, 3)


def check_time_range(start_ms: float, end_ms: float) -> None:
    if end_ms < start_ms:
        raise InvalidInput(
            f"endTime ({end_ms:g} ms) is before startTime ({start_ms:g} ms)",
            code=ErrorCode.INVALID_TIME_RANGE,
        )


def check_video_box(video_box: Any) -> list[list[int]] | None:
    """A list of [x0, y0, x1, y1] boxes with x1 > x0 and y1 > y0, all non-negative."""
    if video_box is None:
        return None
    if not isinstance(video_box, list) or not video_box:
        raise InvalidInput(
            "videoBox must be a non-empty list of [x0, y0, x1, y1] boxes",
            code=ErrorCode.INVALID_VIDEO_BOX,
        )
    for box in video_box:
        if (
            not isinstance(box, list)
            or len(box) != 4
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in box)
        ):
            raise InvalidInput(
                f"videoBox entry {box!r} is not [x0, y0, x1, y1] of non-negative integers",
                code=ErrorCode.INVALID_VIDEO_BOX,
            )
        if box[2] <= box[0] or box[3] <= box[1]:
            raise InvalidInput(
                f"videoBox entry {box!r} needs x1 > x0 and y1 > y0",
                code=ErrorCode.INVALID_VIDEO_BOX,
            )
    return [list(box) for box in video_box]


def check_label_type(label_type: str) -> str:
    if not isinstance(label_type, str) or not LABEL_TYPE_RE.match(label_type):
        raise InvalidInput(
            f"labelType {label_type!r} must be lowercase letters, digits and "
            "dashes (e.g. 'ocr-request')",
            code=ErrorCode.INVALID_LABEL_TYPE,
        )
    return label_type


def check_name(name: str | None) -> str | None:
    if name is not None and len(name) > MAX_NAME_CHARS:
        raise InvalidInput(
            f"name is longer than {MAX_NAME_CHARS} characters", code=ErrorCode.INVALID_NAME
        )
    return name


def check_data(data: Any) -> Any:
    if data is not None and len(json.dumps(data)) > MAX_DATA_BYTES:
        raise InvalidInput(
            f"data is larger than {MAX_DATA_BYTES} bytes of JSON", code=ErrorCode.DATA_TOO_LARGE
        )
    return data


def category_for(label_type: str, data: Any) -> str | None:
    """Seed 000: a request's category is its type in words; time-series labels use the key."""
    if label_type.startswith("time-series-"):
        key = data.get("time_series_key") if isinstance(data, dict) else None
        return str(key) if key else None
    if label_type in _NULL_CATEGORY_TYPES:
        return None
    return label_type.replace("-", " ")


@dataclass(frozen=True)
class LabelSpec:
    """One validated label to add (ids assigned by the service)."""

    label_type: str
    start_ms: float
    end_ms: float
    name: str | None
    data: Any
    video_box: list[list[int]] | None
    label_group_id: str | None
    pinned: bool
    category: str | None


def validate_label(
    *,
    label_type: str,
    start_time: Any,
    end_time: Any,
    name: str | None = None,
    data: Any = None,
    video_box: Any = None,
    label_group_id: str | None = None,
    pinned: bool = False,
    category: str | None = None,
) -> LabelSpec:
    """Check one label; ``category`` is only passed by workers writing result labels."""
    check_label_type(label_type)
    start_ms = parse_time_ms(start_time, "startTime")
    end_ms = parse_time_ms(end_time, "endTime")
    check_time_range(start_ms, end_ms)
    data = check_data(data)
    return LabelSpec(
        label_type=label_type,
        start_ms=start_ms,
        end_ms=end_ms,
        name=check_name(name),
        data=data,
        video_box=check_video_box(video_box),
        label_group_id=label_group_id,
        pinned=bool(pinned),
        category=category if category is not None else category_for(label_type, data),
    )
