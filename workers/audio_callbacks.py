"""Audio job callbacks: POST a finished job's status to the URL its client gave, once.

DeepTone-compatible delivery rules:

- a 2xx answer ends the delivery;
- a 5xx answer, or no answer at all (connection refused or reset), is retried up to
  :data:`MAX_RETRIES` times, after :data:`BACKOFF_S` seconds (1, 2, 4);
- any other status (4xx, a redirect: redirects are not followed) ends it undelivered;
- an attempt has :data:`TIMEOUT_S` (10 s) for the whole exchange; one that runs out is not
  retried (the receiver may be working on it: a retry could notify it twice);
- the URL goes through the same SSRF rules as URL downloads (:mod:`workers.outbound`): a
  refused address is recorded and not retried.

Every attempt is handed to ``record_attempt`` as it ends, so the job shows them
(``callbackAttempts``).

One completion is delivered at most once, also when a worker dies and the job runs again:
before the first attempt the caller's ``claim`` is awaited, and only a ``True`` lets delivery
start. :func:`redis_claim` is such a claim: ``SET NX`` of a key named after the job and its
completion, so the job that runs again finds it taken and sends nothing. Every attempt also
carries an ``Idempotency-Key`` header (the same for every retry of one completion), so a
receiver can recognise the retries the rules above allow.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from redis.asyncio import Redis

from graph.errors import ReelgraphError
from graph.settings import Settings
from workers import outbound

log = logging.getLogger(__name__)

TIMEOUT_S = 10.0
MAX_RETRIES = 3
BACKOFF_S = (1.0, 2.0, 4.0)
CLAIM_TTL_S = 7 * 24 * 3600  # a claim outlives any retry of the job that made it
IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class CallbackAttempt:
    """One POST to the callback URL: when it started, the status it got, or why none."""

    at: float  # epoch seconds
    status: int | None  # the HTTP status; None when no response came
    error: str | None  # None for a 2xx answer


RecordAttempt = Callable[[CallbackAttempt], Awaitable[None]]
Claim = Callable[[], Awaitable[bool]]


def redis_claim(redis: Redis, job_id: str, completion: str = "done") -> Claim:
    """A claim on delivering ``job_id``'s ``completion`` that only the first caller gets."""

    async def claim() -> bool:
        key = f"reelgraph:audio-callback:{job_id}:{completion}"
        return bool(await redis.set(key, str(time.time()), ex=CLAIM_TTL_S, nx=True))

    return claim


async def deliver_callback(
    url: str,
    body: dict[str, Any],
    *,
    record_attempt: RecordAttempt,
    settings: Settings,
    claim: Claim | None = None,
    idempotency_key: str | None = None,
    backoff_s: Sequence[float] = BACKOFF_S,
    timeout_s: float = TIMEOUT_S,
) -> bool:
    """POST ``body`` as JSON to ``url`` under the rules above; True once a 2xx answered.

    False when it was not delivered, and also when ``claim`` says this completion's delivery
    belongs to another run (then nothing is sent or recorded). ``backoff_s`` holds the wait
    before each retry (tests shorten it); ``idempotency_key`` names the completion.
    """
    if claim is not None and not await claim():
        log.info("callback to %s already claimed; not sent again", url)
        return False
    policy = outbound.AddressPolicy(allow_private=settings.url_allow_private)
    content = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if idempotency_key:
        headers[IDEMPOTENCY_HEADER] = idempotency_key
    retries = list(backoff_s[:MAX_RETRIES])
    async with outbound.pinned_client(timeout_s) as client:
        while True:
            attempt, retry = await _attempt(client, url, policy, content, headers, timeout_s)
            await record_attempt(attempt)
            if attempt.status is not None and 200 <= attempt.status < 300:
                return True
            if not retry or not retries:
                return False
            await asyncio.sleep(retries.pop(0))


async def _attempt(
    client: httpx.AsyncClient,
    url: str,
    policy: outbound.AddressPolicy,
    content: bytes,
    headers: dict[str, str],
    timeout_s: float,
) -> tuple[CallbackAttempt, bool]:
    """One POST: the attempt as recorded, and whether the rules let it be retried."""
    at = time.time()
    try:
        async with asyncio.timeout(timeout_s):
            response = await outbound.post_pinned(
                client, url, policy, content=content, headers=headers
            )
    except (TimeoutError, httpx.TimeoutException):
        return CallbackAttempt(at, None, f"no answer within {timeout_s:g} s"), False
    except ReelgraphError as exc:  # an SSRF refusal, a URL that cannot be used, no DNS answer
        return CallbackAttempt(at, None, exc.message), False
    except httpx.TransportError as exc:
        return CallbackAttempt(at, None, f"connection failed: {exc!r}"), True
    status = response.status_code
    if 200 <= status < 300:
        return CallbackAttempt(at, status, None), False
    return CallbackAttempt(at, status, f"HTTP {status}"), status >= 500
