"""Open and close the process's stores: graph backend, PostgreSQL pool, Redis (arq) pool."""

from __future__ import annotations

from arq import create_pool
from arq.connections import RedisSettings
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graph.backend import open_backend
from graph.db import apply_migrations, open_pool
from graph.errors import StackError
from graph.indexes import apply_graph_indexes
from graph.settings import Settings, resolve_jwt_secret
from graph.state import AppState

# A command whose connection dropped (Redis restarted since it was opened) reconnects and is
# sent again, twice at most within ~0.6 s. A Redis that stays down fails the command at once:
# the API answers STORE_UNAVAILABLE, workers poll again with backoff (workers/worker_process.py)
# and event listeners reconnect (graph/events.py).
REDIS_RETRIES = 2
REDIS_BACKOFF_BASE_S = 0.1
REDIS_BACKOFF_CAP_S = 0.5


def redis_settings(url: str) -> RedisSettings:
    """arq's connection settings for ``url``, with commands retried across a reconnect."""
    settings = RedisSettings.from_dsn(url)
    settings.retry_on_error = [RedisConnectionError, RedisTimeoutError]
    settings.retry = Retry(
        ExponentialBackoff(cap=REDIS_BACKOFF_CAP_S, base=REDIS_BACKOFF_BASE_S), REDIS_RETRIES
    )
    return settings


async def open_state(settings: Settings, *, prepare: bool = True) -> AppState:
    """Connect to every store; ``prepare`` applies SQL migrations and graph indexes first."""
    if not settings.database_url or not settings.redis_url:
        raise StackError("DATABASE_URL and REDIS_URL must be set (or run `reelgraph up`)")
    redis = await create_pool(redis_settings(settings.redis_url))
    graph = open_backend(settings, settings.redis_url)
    try:
        pool = await open_pool(
            settings.database_url,
            connect_timeout_s=settings.pg_connect_timeout_s,
            command_timeout_s=settings.pg_command_timeout_s,
        )
    except StackError:
        await graph.close()
        await redis.aclose()
        raise
    if prepare:
        await apply_migrations(pool)
        await apply_graph_indexes(graph)
    return AppState(
        settings=settings,
        graph=graph,
        pool=pool,
        redis=redis,
        jwt_secret=resolve_jwt_secret(settings),
    )


async def close_state(state: AppState) -> None:
    await state.graph.close()
    await state.pool.close()
    await state.redis.aclose()
