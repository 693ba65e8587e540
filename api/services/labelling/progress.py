"""Campaign progress over Redis pub/sub: each applied batch or decision publishes the counts."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator

from redis.exceptions import RedisError

from api.services.state import AppState
from graph.labelling.galleries import GalleryStore
from graph.labelling.models import Statistics

log = logging.getLogger(__name__)


def progress_channel(campaign_id: str) -> str:
    return f"reelgraph:labelling:{campaign_id}"


def _payload(stats: Statistics) -> str:
    return json.dumps(
        {
            "numFullyLabeled": stats.num_fully,
            "numPartiallyLabeled": stats.num_partially,
            "batchesReturned": stats.batches_returned,
        }
    )


async def publish_progress(state: AppState, campaign_id: str) -> None:
    """Best effort: the answers are committed already, a lost event only delays a display."""
    stats = await GalleryStore(state.pool).statistics(campaign_id)
    try:
        await state.redis.publish(progress_channel(campaign_id), _payload(stats))
    except (RedisError, OSError):
        log.warning("labelling progress not published", extra={"campaign_id": campaign_id})


async def progress_events(state: AppState, campaign_id: str) -> AsyncGenerator[Statistics, None]:
    """The campaign's counts now, then after every change, until the subscriber leaves."""
    pubsub = state.redis.pubsub()
    await pubsub.subscribe(progress_channel(campaign_id))
    try:
        yield await GalleryStore(state.pool).statistics(campaign_id)
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            data = json.loads(message["data"])
            yield Statistics(
                num_all=0,
                num_fully=int(data["numFullyLabeled"]),
                num_partially=int(data["numPartiallyLabeled"]),
                batches_returned=int(data["batchesReturned"]),
            )
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()
