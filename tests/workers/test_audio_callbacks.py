"""Callbacks against a real HTTP server on 127.0.0.1: retries on 5xx only, one delivery per
completion, SSRF rules, and the time limit."""

from __future__ import annotations

import http.server
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.settings import Settings, load_settings
from graph.state import AppState
from workers.audio_callbacks import (
    IDEMPOTENCY_HEADER,
    CallbackAttempt,
    deliver_callback,
    redis_claim,
)

BODY = {"id": "job-1", "state": "done", "config": {"models": ["speech"]}, "error_description": None}
FAST = (0.01, 0.02, 0.04)


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: list[int] = []  # statuses to answer in turn; then 200
        self.delay_s = 0.0
        self.received: list[tuple[dict[str, object], str | None]] = []

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append((body, self.headers.get(IDEMPOTENCY_HEADER)))
        time.sleep(self.server.delay_s)
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, url_allow_private=True)


class Recorder:
    def __init__(self) -> None:
        self.attempts: list[CallbackAttempt] = []

    async def __call__(self, attempt: CallbackAttempt) -> None:
        self.attempts.append(attempt)


async def test_a_503_is_retried_then_delivered_once(receiver: Receiver, settings: Settings) -> None:
    receiver.answers = [503, 503]
    record = Recorder()
    delivered = await deliver_callback(
        receiver.url(),
        BODY,
        record_attempt=record,
        settings=settings,
        idempotency_key="job-1:done",
        backoff_s=FAST,
    )
    assert delivered
    assert [a.status for a in record.attempts] == [503, 503, 200]
    assert [a.error for a in record.attempts] == ["HTTP 503", "HTTP 503", None]
    assert [body for body, _ in receiver.received] == [BODY] * 3
    assert {key for _, key in receiver.received} == {"job-1:done"}
    assert record.attempts[0].at <= record.attempts[1].at <= record.attempts[2].at


async def test_5xx_is_retried_three_times_at_most(receiver: Receiver, settings: Settings) -> None:
    receiver.answers = [500, 502, 503, 504, 200]
    record = Recorder()
    assert not await deliver_callback(
        receiver.url(), BODY, record_attempt=record, settings=settings, backoff_s=FAST
    )
    assert [a.status for a in record.attempts] == [500, 502, 503, 504]


@pytest.mark.parametrize("status", [400, 404, 302])
async def test_other_statuses_are_not_retried(
    receiver: Receiver, settings: Settings, status: int
) -> None:
    receiver.answers = [status]
    record = Recorder()
    assert not await deliver_callback(
        receiver.url(), BODY, record_attempt=record, settings=settings, backoff_s=FAST
    )
    assert [(a.status, a.error) for a in record.attempts] == [(status, f"HTTP {status}")]
    assert len(receiver.received) == 1


async def test_a_timeout_is_recorded_and_not_retried(
    receiver: Receiver, settings: Settings
) -> None:
    receiver.delay_s = 1.0
    record = Recorder()
    started = time.monotonic()
    assert not await deliver_callback(
        receiver.url(),
        BODY,
        record_attempt=record,
        settings=settings,
        backoff_s=FAST,
        timeout_s=0.3,
    )
    assert time.monotonic() - started < 0.9
    assert len(record.attempts) == 1
    assert record.attempts[0].status is None
    assert record.attempts[0].error == "no answer within 0.3 s"


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "file:///x"]
)
async def test_ssrf_targets_are_refused_without_a_request(settings: Settings, url: str) -> None:
    record = Recorder()
    assert not await deliver_callback(
        url, BODY, record_attempt=record, settings=settings, backoff_s=FAST
    )
    assert len(record.attempts) == 1
    assert record.attempts[0].status is None and record.attempts[0].error


async def test_private_addresses_need_url_allow_private(receiver: Receiver, tmp_path: Path) -> None:
    record = Recorder()
    strict = load_settings(data_dir=tmp_path, url_allow_private=False)
    assert not await deliver_callback(
        receiver.url(), BODY, record_attempt=record, settings=strict, backoff_s=FAST
    )
    assert receiver.received == []
    assert "may not be fetched" in (record.attempts[0].error or "")


async def test_one_completion_is_delivered_once(
    receiver: Receiver, settings: Settings, state: AppState
) -> None:
    job_id = f"job-{uuid.uuid4().hex}"
    record = Recorder()
    for _ in range(2):  # the job ran again after its worker died
        await deliver_callback(
            receiver.url(),
            BODY,
            record_attempt=record,
            settings=settings,
            claim=redis_claim(state.redis, job_id, "done"),
        )
    assert len(receiver.received) == 1
    assert len(record.attempts) == 1
    await deliver_callback(  # another completion (a later state) is its own delivery
        receiver.url(),
        BODY,
        record_attempt=record,
        settings=settings,
        claim=redis_claim(state.redis, job_id, "error"),
    )
    assert len(receiver.received) == 2
