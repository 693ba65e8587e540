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
    """graph, postgres, redis, and worker (an arq worker wrote its heartbeat recently)."""
    return {
        "graph": await _check(state.graph.ping()),
        "postgres": await _check(state.pool.fetchval("SELECT 1")),
        "redis": await _check(state.redis.ping()),
        "worker": await _check(state.redis.exists(default_queue_name + health_check_key_suffix)),
    }
