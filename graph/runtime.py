"""Open and close the process's stores: graph backend, PostgreSQL pool, Redis (arq) pool."""

from __future__ import annotations

from arq import create_pool
from arq.connections import RedisSettings

from graph.backend import open_backend
from graph.db import apply_migrations, open_pool
from graph.errors import StackError
from graph.indexes import apply_graph_indexes
from graph.settings import Settings, resolve_jwt_secret
from graph.state import AppState


async def open_state(settings: Settings, *, prepare: bool = True) -> AppState:
    """Connect to every store; ``prepare`` applies SQL migrations and graph indexes first."""
    if not settings.database_url or not settings.redis_url:
        raise StackError("DATABASE_URL and REDIS_URL must be set (or run `reelgraph up`)")
    redis = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    graph = open_backend(settings, settings.redis_url)
    try:
        pool = await open_pool(settings.database_url)
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
