"""Cursor pagination shared by every connection: (sort value, id) cursors and page sizes."""

from __future__ import annotations

from graph.errors import ErrorCode, InvalidInput
from graph.ids import decode_cursor


def check_first(first: int, maximum: int) -> int:
    if first < 0 or first > maximum:
        raise InvalidInput(f"first must be between 0 and {maximum}", code=ErrorCode.INVALID_PAGE)
    return first


def page_position(after: str | None) -> tuple[float, str] | None:
    """The (sort value, id) a page starts after; INVALID_CURSOR for a cursor not made by us."""
    if after is None:
        return None
    parts = decode_cursor(after, 2)
    if parts is None:
        raise InvalidInput("after is not a cursor from this API", code=ErrorCode.INVALID_CURSOR)
    try:
        return float(parts[0]), str(parts[1])
    except (TypeError, ValueError):
        raise InvalidInput(
            "after is not a cursor from this API", code=ErrorCode.INVALID_CURSOR
        ) from None
