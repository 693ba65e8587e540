"""The job runner: progress and partial results from inside a real process pool, and failures
mapped once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

import pytest

from analysis.errors import MediaError
from workers.runner import (
    Failed,
    close_progress_manager,
    guarded,
    in_pool,
    in_pool_emitting,
    progress_manager,
    run_in_pool,
)


def slow_count(steps: int, pause_s: float, progress: Callable[[float], None] | None = None) -> int:
    """Pool work that reports its share done after each step."""
    for step in range(1, steps + 1):
        time.sleep(pause_s)
        if progress is not None:
            progress(step / steps)
    return steps


def broken_media() -> None:
    raise MediaError("the video is truncated")


def bug() -> None:
    raise KeyError("oops")


@pytest.mark.parametrize("pool", [False, True])
async def test_progress_from_inside_the_pool_reaches_the_coroutine(pool: bool) -> None:
    """Shares put by the pool call (a thread, or a process through a manager queue) come out
    in order, throttled, strictly between 0 and 1; the result comes back."""
    ctx: dict[str, Any] = {"pool_executor": ProcessPoolExecutor(1) if pool else None}
    seen: list[float] = []

    async def on_progress(fraction: float) -> None:
        seen.append(fraction)

    try:
        result = await in_pool(ctx, partial(slow_count, 20, 0.05), on_progress=on_progress)
    finally:
        close_progress_manager(ctx)
        if ctx["pool_executor"] is not None:
            ctx["pool_executor"].shutdown()
    assert result == 20
    assert len(seen) >= 2, seen
    assert seen == sorted(seen) and all(0.0 < f < 1.0 for f in seen)
    assert len(seen) <= 1 / 0.25 * 1.0 + 1  # about a second of work, at most 4 a second


async def test_expected_failures_are_reported_and_returned_bugs_are_raised() -> None:
    reported: list[str] = []

    async def fail(message: str) -> None:
        reported.append(message)

    ctx: dict[str, Any] = {"pool_executor": None}
    failed = await run_in_pool(ctx, broken_media, fail=fail, internal="internal", context="t")
    assert isinstance(failed, Failed) and str(failed) == "error: the video is truncated"
    with pytest.raises(KeyError):
        await guarded(in_pool(ctx, bug), fail=fail, internal="internal error", context="t")
    assert reported == ["the video is truncated", "internal error"]


def emit_until_heard(items: int, heard: Any, emit: Callable[[Any], None]) -> int:
    """Pool work that emits ``items`` items and waits, after the first, until it was handed on."""
    for item in range(items):
        emit([item])
        if item == 0 and not heard.wait(10):
            raise TimeoutError("the first item was not handed on while the call ran")
    return items


@pytest.mark.parametrize("pool", [False, True])
async def test_emitted_items_are_handed_on_while_the_call_runs(pool: bool) -> None:
    """Items emitted inside the pool reach the coroutine in order, the first one before the
    call returns (the call waits for it), and none is lost at the end."""
    ctx: dict[str, Any] = {"pool_executor": ProcessPoolExecutor(1) if pool else None}
    try:
        heard = progress_manager(ctx).Event() if pool else threading.Event()
        seen: list[Any] = []

        async def on_item(item: Any) -> None:
            seen.append(item)
            heard.set()

        result = await in_pool_emitting(ctx, partial(emit_until_heard, 50, heard), on_item)
    finally:
        close_progress_manager(ctx)
        if ctx["pool_executor"] is not None:
            ctx["pool_executor"].shutdown()
    assert result == 50
    assert seen == [[item] for item in range(50)]
