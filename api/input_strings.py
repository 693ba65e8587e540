"""Strings from clients that no store can hold: NUL characters and lone UTF-16 surrogates.

A NUL ends the query text FalkorDB reads (the rest of the statement is lost), and a lone
surrogate cannot be encoded as UTF-8 at all; both would fail deep in a store as a 500. They are
refused once, at the edge, for every string a request carries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graph.errors import ErrorCode, InvalidInput

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidString(InvalidInput):
    code = ErrorCode.INVALID_STRING


def unstorable_in(value: Any, where: str) -> str | None:
    """Where in ``value`` (strings, and lists and maps of them, keys too) a bad string is."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:  # iterative: a deep value must not exhaust the recursion limit here either
        item, path = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return path
        elif isinstance(item, Mapping):
            for key, child in item.items():
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    return path
                stack.append((child, f"{path}.{str(key)[:40]}"))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
    return None


def check_strings(value: Any, where: str) -> None:
    """Raise INVALID_STRING when ``value`` holds a NUL character or a lone surrogate."""
    path = unstorable_in(value, where)
    if path is not None:
        raise InvalidString(f"{path} contains a NUL character or an unpaired surrogate", field=path)
