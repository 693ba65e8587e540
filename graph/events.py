"""Session events over Redis pub/sub: workers publish, API subscriptions and waits listen."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

T = TypeVar("T")
log = logging.getLogger(__name__)
# A wait re-reads the state at least this often even without an event: pub/sub delivers at
# most once, so an event lost to a reconnect costs a few seconds, never the whole wait.
RECHECK_S = 5.0
# While Redis is down a listener waits this long between attempts to reconnect; reconnecting
# subscribes it again (the events published meanwhile are lost: callers re-read the state).
RECONNECT_DELAY_S = 0.5
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


def session_channel(session_id: str) -> str:
    return f"reelgraph:session:{session_id}"


async def publish(redis: Redis, session_id: str, event: Mapping[str, Any]) -> None:
    """Publish one event (``type`` is ``analysis`` or ``labels``) for a session; while Redis is
    unreachable the event is lost, not the job that sent it (listeners re-read the state)."""
    try:
        await redis.publish(session_channel(session_id), json.dumps(dict(event)))
    except _REDIS_DOWN as exc:
        log.warning("event for session %s lost: Redis unreachable (%s)", session_id, exc)


@asynccontextmanager
async def subscribed(redis: Redis, session_id: str) -> AsyncIterator[PubSub]:
    """A pub/sub connection subscribed to the session's channel, closed on exit."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(session_channel(session_id))
    try:
        yield pubsub
    finally:
        with contextlib.suppress(*_REDIS_DOWN):  # a lost connection has no subscription left
            await pubsub.unsubscribe()
        await pubsub.aclose()


async def next_event(pubsub: PubSub, timeout_s: float) -> dict[str, Any] | None:
    """The next event on ``pubsub`` within ``timeout_s``; None when none came, or when the
    connection to Redis was lost (the next call reconnects and subscribes again)."""
    deadline = time.monotonic() + timeout_s
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=remaining)
        except _REDIS_DOWN:
            await asyncio.sleep(min(RECONNECT_DELAY_S, max(0.0, deadline - time.monotonic())))
            return None
        if message is not None and message.get("type") == "message":
            data = message["data"]
            return dict(json.loads(data.decode() if isinstance(data, bytes) else data))
    return None


async def listen(redis: Redis, session_id: str) -> AsyncIterator[dict[str, Any]]:
    """Yield the session's events until the consumer stops iterating."""
    async with subscribed(redis, session_id) as pubsub:
        while True:
            event = await next_event(pubsub, 30.0)
            if event is not None:
                yield event


async def wait_for(
    redis: Redis,
    session_id: str,
    check: Callable[[], Awaitable[T | None]],
    timeout_s: float,
    *,
    event_type: str = "analysis",
) -> T | None:
    """``check()``'s first non-None answer within ``timeout_s``, else None.

    ``check`` reads the state; it runs once at the start and again after each of the session's
    ``event_type`` events (subscribed before the first read, so no event falls in between),
    instead of polling the store on a timer.
    """
    deadline = time.monotonic() + timeout_s
    async with subscribed(redis, session_id) as pubsub:
        while True:
            answer = await check()
            if answer is not None:
                return answer
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            waited_until = time.monotonic() + min(remaining, RECHECK_S)
            while (left := waited_until - time.monotonic()) > 0:
                event = await next_event(pubsub, left)
                if event is None or event.get("type") == event_type:
                    break
