"""Cursor pagination shared by every connection: ``PageInfo`` and how it is built."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import strawberry


class HasCursor(Protocol):
    """An edge of a connection: something with an opaque cursor."""

    @property
    def cursor(self) -> str: ...


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None

    @classmethod
    def of(cls, edges: Sequence[HasCursor], has_next_page: bool) -> PageInfo:
        """Page info of a page of ``edges``: its last cursor, and whether more follow."""
        return cls(has_next_page=has_next_page, end_cursor=edges[-1].cursor if edges else None)
