"""Which frame ranges of a session become clips: the whole session, its chunks, or windows."""

from __future__ import annotations

import math
from collections.abc import Sequence

CLIPS_FROM = ("session", "chunks", "window")
MAX_WINDOW_SECONDS = 3600.0


def window_ranges(frame_count: int, fps: float, window_seconds: float) -> list[tuple[int, int]]:
    """Consecutive inclusive ranges of ``window_seconds`` each; the last may be shorter."""
    step = max(1, round(window_seconds * fps))
    return [(start, min(start + step, frame_count) - 1) for start in range(0, frame_count, step)]


def clip_ranges(
    *,
    frame_count: int,
    fps: float,
    clips_from: str,
    window_seconds: float | None,
    chunks: Sequence[tuple[int, int]],
) -> list[tuple[int, int]]:
    """The inclusive frame ranges of a session's clips, in time order, without duplicates."""
    if frame_count <= 0:
        return []
    if clips_from == "session":
        return [(0, frame_count - 1)]
    if clips_from == "chunks":
        kept = {(max(0, s), min(e, frame_count - 1)) for s, e in chunks}
        return sorted(r for r in kept if r[0] <= r[1])
    assert window_seconds is not None and math.isfinite(window_seconds)
    return window_ranges(frame_count, fps, window_seconds)
