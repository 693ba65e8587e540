"""An audio job's events over Redis pub/sub: its steps as they are computed, then its end.

Events: ``{"type": "steps", "channel": "0", "steps": [step, ...]}`` (each step in the
single-time-step format, raw values included) and ``{"type": "finished", "state": ...}``.
Steps go out in batches, so an hour of audio is a few hundred messages, not 56,000.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graph.events import next_event

log = logging.getLogger(__name__)
STEPS_PER_EVENT = 256
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


def audio_job_channel(job_id: str) -> str:
    return f"reelgraph:audio-job:{job_id}"


async def publish_job_event(redis: Redis, job_id: str, event: Mapping[str, Any]) -> None:
    """Publish one event of the job; while Redis is unreachable the event is lost, not the job."""
    try:
        await redis.publish(audio_job_channel(job_id), json.dumps(dict(event)))
    except _REDIS_DOWN as exc:
        log.warning("event of audio job %s lost: Redis unreachable (%s)", job_id, exc)


async def listen_job(redis: Redis, job_id: str) -> AsyncGenerator[dict[str, Any], None]:
    """Yield the job's events, starting with ``{"type": "subscribed"}`` once the subscription
    stands (the caller reads the job's state then, so no event falls in between)."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(audio_job_channel(job_id))
    try:
        yield {"type": "subscribed"}
        while True:
            event = await next_event(pubsub, 30.0)
            if event is not None:
                yield event
    finally:
        try:
            await pubsub.unsubscribe()
        except _REDIS_DOWN:
            pass
        await pubsub.aclose()
