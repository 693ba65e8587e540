"""The one way a job runs CPU work: in the process pool, with progress from inside it, and
expected failures mapped to a message the job reports.

``in_pool`` runs a call in ``ctx["pool_executor"]`` (a thread when there is none, as in tests).
Given ``on_progress``, the call gets a ``progress`` callback that puts the share done (0-1) on
a queue the pool can reach: a ``multiprocessing.Manager`` queue, one per worker process,
for a process pool. The coroutine drains it while it waits and hands the latest share to
``on_progress`` at most every ``PROGRESS_INTERVAL_S`` and only when it moved by at least
``PROGRESS_STEP``. ``in_pool_emitting`` carries a call's partial results the same way: the call
gets an ``emit`` callback and every item it emits is handed, in order, to ``on_item`` while the
call still runs. ``guarded`` maps failures: an expected error (bad media, a missing model)
is reported through ``fail`` and returned as ``Failed``; anything else is logged with its
context, reported as an internal error and raised again, so arq records it and may retry.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from multiprocessing.managers import SyncManager
from typing import Any, TypeVar

from analysis.errors import MediaError, ModelError
from graph.analyses import AnalysisState
from graph.state import AppState
from workers.progress import report

log = logging.getLogger(__name__)
T = TypeVar("T")
PROGRESS_STEP = 0.01  # the least change of the share done worth an event
PROGRESS_INTERVAL_S = 0.25  # the least time between two progress events of one call
_POLL_S = 0.1  # how often the waiting coroutine looks at the queue
EXPECTED_ERRORS: tuple[type[Exception], ...] = (MediaError, ModelError)


@dataclass(frozen=True)
class Failed:
    """An expected failure, already reported; ``str()`` is the job's result text."""

    message: str

    def __str__(self) -> str:
        return f"error: {self.message}"


class QueueProgress:
    """The ``progress`` callback a pool call gets: picklable, puts a share at most once per
    ``PROGRESS_STEP`` (and always the last one)."""

    def __init__(self, channel: Any) -> None:
        self.channel = channel
        self.last = -1.0

    def __call__(self, fraction: float) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        if fraction - self.last >= PROGRESS_STEP or fraction == 1.0:
            self.last = fraction
            self.channel.put(fraction)


class QueueEmit:
    """The ``emit`` callback a pool call gets: picklable, puts each item on the channel."""

    def __init__(self, channel: Any) -> None:
        self.channel = channel

    def __call__(self, item: Any) -> None:
        self.channel.put(item)


def progress_manager(ctx: dict[str, Any]) -> SyncManager:
    """The worker's manager process for progress queues (started on first use)."""
    manager: SyncManager | None = ctx.get("progress_manager")
    if manager is None:
        manager = SyncManager()
        manager.start()
        ctx["progress_manager"] = manager
    return manager


def close_progress_manager(ctx: dict[str, Any]) -> None:
    manager: SyncManager | None = ctx.pop("progress_manager", None)
    if manager is not None:
        manager.shutdown()


def _channel(ctx: dict[str, Any], executor: Executor | None) -> Any:
    if isinstance(executor, ProcessPoolExecutor):
        return progress_manager(ctx).Queue()
    return queue.SimpleQueue()


def _latest(channel: Any, latest: float | None) -> float | None:
    """The newest share on ``channel``, else ``latest``."""
    while True:
        try:
            latest = channel.get_nowait()
        except queue.Empty:
            return latest


async def in_pool(
    ctx: dict[str, Any],
    work: Callable[..., T],
    *,
    on_progress: Callable[[float], Awaitable[None]] | None = None,
) -> T:
    """``work()`` in the process pool, or ``work(progress=...)`` when ``on_progress`` is given."""
    executor: Executor | None = ctx.get("pool_executor")
    loop = asyncio.get_running_loop()
    if on_progress is None:
        return await loop.run_in_executor(executor, work)
    channel = _channel(ctx, executor)
    future = loop.run_in_executor(executor, partial(work, progress=QueueProgress(channel)))
    shown, shown_at = 0.0, time.monotonic()
    latest: float | None = None
    while not future.done():
        await asyncio.wait({future}, timeout=_POLL_S)
        latest = _latest(channel, latest)  # a manager queue answers in well under a millisecond
        now = time.monotonic()
        if future.done() or latest is None or latest >= 1.0:
            continue  # the job's own DONE or ERROR follows
        if latest - shown >= PROGRESS_STEP and now - shown_at >= PROGRESS_INTERVAL_S:
            shown, shown_at = latest, now
            await on_progress(latest)
    return future.result()


def _drained(channel: Any) -> list[Any]:
    """Every item on ``channel`` now, oldest first."""
    items: list[Any] = []
    while True:
        try:
            items.append(channel.get_nowait())
        except queue.Empty:
            return items


async def in_pool_emitting(
    ctx: dict[str, Any],
    work: Callable[..., T],
    on_item: Callable[[Any], Awaitable[None]],
) -> T:
    """``work(emit=...)`` in the process pool; each item it emits goes to ``on_item``, in order,
    as it arrives (the last ones before this returns, also when ``work`` raises)."""
    executor: Executor | None = ctx.get("pool_executor")
    loop = asyncio.get_running_loop()
    channel = _channel(ctx, executor)
    future = loop.run_in_executor(executor, partial(work, emit=QueueEmit(channel)))
    while True:
        finished = future.done()  # a put returns once the queue holds the item: none is missed
        for item in _drained(channel):
            await on_item(item)
        if finished:
            return future.result()
        await asyncio.wait({future}, timeout=_POLL_S)


async def guarded(
    work: Awaitable[T],
    *,
    fail: Callable[[str], Awaitable[Any]],
    internal: str,
    context: str,
    expected: tuple[type[Exception], ...] = EXPECTED_ERRORS,
) -> T | Failed:
    """``await work``; an ``expected`` error is reported with its message and returned as
    ``Failed``; any other is logged (``context`` names the job and its subject), reported as
    ``internal`` and raised."""
    try:
        return await work
    except expected as exc:
        await fail(str(exc))
        return Failed(str(exc))
    except Exception:
        log.exception("%s failed unexpectedly", context)
        await fail(internal)
        raise


async def run_in_pool(
    ctx: dict[str, Any],
    work: Callable[..., T],
    *,
    fail: Callable[[str], Awaitable[Any]],
    internal: str,
    context: str,
    expected: tuple[type[Exception], ...] = EXPECTED_ERRORS,
    on_progress: Callable[[float], Awaitable[None]] | None = None,
) -> T | Failed:
    """``in_pool`` under ``guarded``: the whole template of a one-call job."""
    return await guarded(
        in_pool(ctx, work, on_progress=on_progress),
        fail=fail,
        internal=internal,
        context=context,
        expected=expected,
    )


async def run_for_key(
    ctx: dict[str, Any],
    state: AppState,
    session_id: str,
    key: str,
    work: Callable[..., T],
    *,
    internal: str,
    context: str,
) -> T | Failed:
    """:func:`run_in_pool` for a session-level job: its progress and its failure are reported
    on the session's ``key`` analysis."""

    async def fail(message: str) -> None:
        await report(state, session_id, key, AnalysisState.ERROR, message=message)

    async def progress(fraction: float) -> None:
        await report(state, session_id, key, AnalysisState.RUNNING, progress=fraction)

    return await run_in_pool(
        ctx, work, fail=fail, internal=internal, context=context, on_progress=progress
    )
