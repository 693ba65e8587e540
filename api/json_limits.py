"""JSON from clients, parsed with a nesting limit.

Python's JSON decoder recurses once per ``[`` or ``{``: a body nested about a thousand deep
exhausts the interpreter's recursion limit (``RecursionError``, an untyped 500). The depth is
measured first, in linear time and without recursion, so such a body is refused up front.
"""

from __future__ import annotations

import json
import re
from typing import Any

from graph.errors import ErrorCode

MAX_JSON_DEPTH = 64

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JsonTooDeep(json.JSONDecodeError):
    """A ``JSONDecodeError`` (so JSON-reading code answers 400) with a stable error code."""

    code = ErrorCode.JSON_TOO_DEEP
    status = ErrorCode.JSON_TOO_DEEP.status

    def __init__(self, doc: str, pos: int, max_depth: int) -> None:
        super().__init__(f"JSON is nested deeper than {max_depth} levels", doc, pos)
        self.message = self.msg


def _text(data: str | bytes | bytearray) -> str:
    if isinstance(data, str):
        return data
    return bytes(data).decode(json.detect_encoding(data), "surrogatepass")


def check_json_depth(data: str | bytes | bytearray, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise :class:`JsonTooDeep` when arrays and objects nest deeper than ``max_depth``."""
    if isinstance(data, str):
        opened = data.count("[") + data.count("{")
    else:
        opened = data.count(b"[") + data.count(b"{")
    if opened <= max_depth:  # cannot be deeper than it has brackets
        return
    text = _text(data)
    depth = 0
    # brackets inside strings do not nest: blank the strings out first
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonTooDeep(text, 0, max_depth)
        else:
            depth -= 1


def loads_json(data: str | bytes | bytearray, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that refuses documents nested deeper than ``max_depth``."""
    check_json_depth(data, max_depth)
    try:
        return json.loads(data)
    except RecursionError:  # a deeper interpreter stack than usual: still the client's fault
        raise JsonTooDeep(_text(data), 0, max_depth) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        raise json.JSONDecodeError(str(exc), _text(data), 0) from None
