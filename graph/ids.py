"""Identifiers, clocks and JSON-in-a-property helpers shared by the stores."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any


def new_session_id() -> str:
    """A session id doubles as the REST ``file_uuid``: 32 hex digits, as in seed 004."""
    return uuid.uuid4().hex


def new_id() -> str:
    """Label, label group and other ids: dashed UUIDs, as in seed 000."""
    return str(uuid.uuid4())


def now_s() -> float:
    """Epoch seconds to the millisecond: FalkorDB returns doubles with 15 significant digits,
    so finer timestamps would not survive a round trip (and cursors built on them would drift).
    """
    return round(time.time(), 3)


def to_json(value: Any) -> str | None:
    """Graph properties cannot hold maps or nested lists, so free-form JSON is a string."""
    return None if value is None else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def from_json(raw: Any) -> Any:
    return None if raw is None else json.loads(raw)


def encode_cursor(*parts: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


def decode_cursor(cursor: str, arity: int) -> list[Any] | None:
    """The parts of a cursor made by :func:`encode_cursor`, or None when it is malformed."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(parts, list) or len(parts) != arity:
        return None
    return parts
