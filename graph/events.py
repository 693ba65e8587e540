"""Session events over Redis pub/sub: workers publish, API subscriptions listen."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from redis.asyncio import Redis


def session_channel(session_id: str) -> str:
    return f"reelgraph:session:{session_id}"


async def publish(redis: Redis, session_id: str, event: Mapping[str, Any]) -> None:
    """Publish one event (``type`` is ``analysis`` or ``labels``) for a session."""
    await redis.publish(session_channel(session_id), json.dumps(dict(event)))


async def listen(redis: Redis, session_id: str) -> AsyncIterator[dict[str, Any]]:
    """Yield the session's events until the consumer stops iterating."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(session_channel(session_id))
    try:
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=30.0)
            if message is None or message.get("type") != "message":
                continue
            data = message["data"]
            yield json.loads(data.decode() if isinstance(data, bytes) else data)
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()
