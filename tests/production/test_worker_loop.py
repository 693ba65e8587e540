"""The worker loop on a real Redis: polls outlive a restart that ends arq's own worker, and a
job that outlasts its lease stays with the worker that renews it."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker, func
from redis.exceptions import ConnectionError as RedisConnectionError

from graph.runtime import redis_settings
from tests.production.shape import ROOT, Redis
from workers.worker_process import LeasedWorker

# Redis only: not repeated on make test's Neo4j pass
pytestmark = [pytest.mark.stack, pytest.mark.graph_stores, pytest.mark.timeout(60)]


async def nap(ctx: dict[str, Any], seconds: float) -> str:
    await asyncio.sleep(seconds)
    return f"{ctx['worker']} slept"


def leased(server: Redis, name: str, lease_s: float = 3.0) -> LeasedWorker:
    return LeasedWorker(
        functions=[func(nap, name="nap")],
        redis_settings=redis_settings(server.url),
        handle_signals=False,
        poll_delay=0.05,
        ctx={"worker": name},
        lease_s=lease_s,
    )


@pytest.fixture
async def server() -> AsyncIterator[Redis]:
    root = ROOT / ".reelgraph-test" / f"worker-loop-{uuid.uuid4().hex[:8]}"
    started = Redis(root)
    started.start()
    try:
        yield started
    finally:
        started.stop()
        shutil.rmtree(root, ignore_errors=True)


async def test_polls_outlive_a_redis_restart_that_ends_arqs_own_worker(server: Redis) -> None:
    ours = leased(server, "ours")
    theirs = Worker(
        functions=[func(nap, name="nap")],
        redis_settings=RedisSettings.from_dsn(server.url),
        handle_signals=False,
        poll_delay=0.05,
        ctx={"worker": "theirs"},
    )
    running = [asyncio.create_task(w.async_run()) for w in (ours, theirs)]
    try:
        await asyncio.sleep(0.5)
        server.stop()
        await asyncio.sleep(1.0)
        server.start()
        await asyncio.sleep(0.5)
        assert running[1].done() and isinstance(running[1].exception(), RedisConnectionError)
        assert not running[0].done()
        pool = await create_pool(redis_settings(server.url))
        job = await pool.enqueue_job("nap", 0.1)
        assert job is not None
        assert await job.result(timeout=15) == "ours slept"
        await pool.aclose()
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        await ours.close_all()


async def test_a_job_longer_than_its_lease_stays_with_the_worker_that_renews_it(
    server: Redis,
) -> None:
    first, second = leased(server, "first", lease_s=1.0), leased(server, "second", lease_s=1.0)
    pool = await create_pool(redis_settings(server.url))
    job = await pool.enqueue_job("nap", 3.0)
    assert job is not None
    running = [asyncio.create_task(first.async_run())]
    try:
        await asyncio.sleep(0.5)  # the first worker claims the job
        running.append(asyncio.create_task(second.async_run()))
        assert await job.result(timeout=15) == "first slept"
        await asyncio.sleep(1.5)  # a lapsed claim would have let the second run it by now
        assert (first.jobs_complete, second.jobs_complete) == (1, 0)
        assert second.jobs_retried == second.jobs_failed == 0
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for worker in (first, second):
            await worker.close_all()
        await pool.aclose()
