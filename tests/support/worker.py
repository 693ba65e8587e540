"""A real arq worker (the production job registry) run in burst mode inside the test."""

from __future__ import annotations

from arq.connections import RedisSettings
from arq.worker import Worker

from graph.state import AppState
from workers.settings import job_functions


async def run_worker_burst(state: AppState) -> int:
    """A real arq worker (same job registry as production) run until the queue is empty."""
    assert state.settings.redis_url
    worker = Worker(
        functions=job_functions(state.settings),
        redis_settings=RedisSettings.from_dsn(state.settings.redis_url),
        burst=True,
        handle_signals=False,
        poll_delay=0.05,
        ctx={"state": state, "pool_executor": None},
        max_jobs=2,
    )
    try:
        await worker.main()
        return worker.jobs_complete
    finally:
        await worker.close()
