"""The ``reelgraph worker`` process: arq's worker with leased jobs, riding out Redis outages.

arq marks a running job with an ``in-progress`` key that lives as long as the job's timeout,
so a worker killed mid-job holds its jobs for up to that long (half an hour for a face trace).
Here the key is a lease of ``REELGRAPH_JOB_LEASE_S`` that the worker renews every third of it
while the job runs: once a dead worker's lease lapses, another worker runs the job again (jobs
are idempotent: the new run replaces what the dead one wrote), and a live worker's jobs are
never taken from it.

arq's poll loop ends the worker at the first Redis error, so a restart of Redis would end every
worker. Here a poll that fails waits (with backoff) and polls again while running jobs go on,
the end of a job is recorded once Redis answers again (else the job would run twice), and a
worker that cannot start (Redis or a store down) tries again with backoff until SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from arq.constants import in_progress_key_prefix
from arq.worker import Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError

from graph.errors import StackError
from graph.outages import store_outage
from graph.settings import Settings
from workers.settings import shutdown, worker_settings

log = logging.getLogger(__name__)
# A connection that broke; WatchError: one that broke inside arq's claim of a job.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, WatchError)
BACKOFF_MIN_S = 0.5
BACKOFF_MAX_S = 5.0


class LeasedWorker(Worker):
    """arq's worker with renewed short leases on its running jobs and polls that outlive Redis."""

    def __init__(self, *, lease_s: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lease_s = lease_s
        self.in_progress_timeout_s = lease_s  # arq sets a claim to this when it starts a job
        self._outage_since: float | None = None
        self._poll_backoff_s = BACKOFF_MIN_S

    async def main(self) -> None:
        renewing = asyncio.create_task(self._renew_leases())
        try:
            await super().main()
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def _renew_leases(self) -> None:
        """Every third of the lease, extend the claim of each job this worker runs."""
        lease_ms = int(self.lease_s * 1000)
        while True:
            await asyncio.sleep(self.lease_s / 3)
            job_ids = list(self.tasks)
            if not job_ids or self._pool is None:
                continue
            try:
                async with self.pool.pipeline(transaction=False) as pipe:
                    for job_id in job_ids:
                        pipe.pexpire(in_progress_key_prefix + job_id, lease_ms)
                    await pipe.execute()
            except REDIS_DOWN:
                pass  # the poll loop reports the outage; the next round renews

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq's, one job at a time: a claim that fails on a lost connection gives its job slot
        back (arq's own keeps it, and the worker would run fewer jobs after every outage)."""
        for raw_id in job_ids:
            if self.job_counter >= self.max_jobs:
                return
            job_id = raw_id.decode()
            running = self.tasks.get(job_id)
            try:
                await super().start_jobs([raw_id])
            except BaseException:
                if self.tasks.get(job_id) is running:  # a slot was taken, no job started
                    self.job_counter -= 1
                    self.sem.release()
                raise

    async def finish_job(self, job_id: str, *args: Any) -> None:
        """arq's record of a job's end, sent again until Redis answers: a job that ran is
        recorded once, not run a second time because its end was lost with the connection."""
        await self._until_redis_answers(super().finish_job, job_id, *args)

    async def finish_failed_job(self, job_id: str, result_data: bytes | None) -> None:
        await self._until_redis_answers(super().finish_failed_job, job_id, result_data)

    async def _until_redis_answers(self, send: Callable[..., Awaitable[None]], *args: Any) -> None:
        backoff_s = BACKOFF_MIN_S
        while True:
            try:
                await send(*args)
                return
            except REDIS_DOWN:
                await asyncio.sleep(backoff_s)  # the job stays ours: its lease is renewed
                backoff_s = min(2 * backoff_s, BACKOFF_MAX_S)

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except REDIS_DOWN as exc:
            if self._outage_since is None:
                self._outage_since = time.monotonic()
                log.warning("lost Redis (%s); polling again with backoff", type(exc).__name__)
            await asyncio.sleep(self._poll_backoff_s)
            self._poll_backoff_s = min(2 * self._poll_backoff_s, BACKOFF_MAX_S)
            return
        if self._outage_since is not None:
            log.info("Redis is back after %.1f s", time.monotonic() - self._outage_since)
            self._outage_since = None
            self._poll_backoff_s = BACKOFF_MIN_S

    async def close_all(self) -> None:
        """arq's close; when Redis is gone mid-way, close the stores it did not reach."""
        try:
            await self.close()
        except REDIS_DOWN:
            await shutdown(self.ctx)
            if self._pool is not None:
                with contextlib.suppress(*REDIS_DOWN):
                    await self._pool.aclose()


def _cannot_start(exc: Exception) -> bool:
    """A failure to reach Redis or a store: a later start may succeed."""
    return isinstance(exc, (*REDIS_DOWN, OSError, StackError)) or store_outage(exc) is not None


async def run_worker(settings: Settings) -> None:
    """Run a worker until SIGTERM or SIGINT; one that cannot start tries again with backoff."""
    stopping = asyncio.Event()
    backoff_s = BACKOFF_MIN_S
    while True:
        worker = LeasedWorker(**worker_settings(settings), lease_s=settings.job_lease_s)
        worker.on_stop = lambda _signal: stopping.set()
        try:
            await worker.async_run()
            return  # burst mode: the queue is empty
        except asyncio.CancelledError:
            if not stopping.is_set():
                raise
        except Exception as exc:
            if not _cannot_start(exc):
                raise
            log.warning(
                "worker could not start (%s); trying again in %.1f s", type(exc).__name__, backoff_s
            )
        finally:
            await worker.close_all()
        if stopping.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), backoff_s)
        if stopping.is_set():
            return
        backoff_s = min(2 * backoff_s, BACKOFF_MAX_S)
