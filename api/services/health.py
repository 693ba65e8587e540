"""Health of every component the API depends on."""

from __future__ import annotations

import asyncio

from arq.constants import default_queue_name, health_check_key_suffix

from graph.state import AppState

CHECK_TIMEOUT_S = 2.0


async def _check(coro: object) -> bool:
    try:
        return bool(await asyncio.wait_for(coro, CHECK_TIMEOUT_S))  # type: ignore[arg-type]
    except Exception:
        return False


async def component_health(state: AppState) -> dict[str, bool]:
    """graph, postgres, redis, and worker (an arq worker wrote its heartbeat recently); the
    checks run together, so an answer takes at most ``CHECK_TIMEOUT_S``."""
    names = ("graph", "postgres", "redis", "worker")
    answers = await asyncio.gather(
        _check(state.graph.ping()),
        _check(state.pool.fetchval("SELECT 1")),
        _check(state.redis.ping()),
        _check(state.redis.exists(default_queue_name + health_check_key_suffix)),
    )
    return dict(zip(names, answers, strict=True))
