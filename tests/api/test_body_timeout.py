"""A trickled request body gets 408 over a real uvicorn server instead of holding the socket."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from graph.state import AppState
from tests.support.client import ApiClient

IDLE_S = 0.5
TOTAL_S = 2.0


@pytest.fixture
async def server(state: AppState) -> AsyncIterator[tuple[str, int]]:
    settings = state.settings.with_overrides(body_read_timeout_s=IDLE_S, body_read_total_s=TOTAL_S)
    app = create_app(state=dataclasses.replace(state, settings=settings))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app, lifespan="off", log_level="warning", ws="none", timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.02)
    try:
        yield sock.getsockname()
    finally:
        server.should_exit = True
        await task
        sock.close()


async def _post_trickled(
    address: tuple[str, int], key: str, declared: int, pieces: list[bytes], gap_s: float
) -> tuple[str, dict[str, str], bytes, float]:
    """Send a body slowly; the answer's status line, headers, body, and seconds until EOF."""
    reader, writer = await asyncio.open_connection(*address)
    started = time.monotonic()
    writer.write(
        f"POST /api/v1/files?filename=slow.bin HTTP/1.1\r\nHost: test\r\nX-API-Key: {key}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {declared}\r\n\r\n".encode()
    )
    raw = b""
    try:
        for piece in pieces:  # stop writing once the answer arrives (writing on would reset)
            writer.write(piece)
            await writer.drain()
            try:
                raw = await asyncio.wait_for(reader.read(65536), timeout=gap_s)
                break
            except TimeoutError:
                continue
        raw += await asyncio.wait_for(reader.read(), timeout=10)  # until the server closes
    finally:
        writer.close()
    elapsed = time.monotonic() - started
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return status, headers, body, elapsed


def _assert_timeout_answer(status: str, headers: dict[str, str], body: bytes) -> None:
    assert status.startswith("HTTP/1.1 408"), status
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    payload: dict[str, Any] = json.loads(body)
    assert payload["success"] is False
    assert payload["error"]["code"] == "BODY_READ_TIMEOUT"
    assert payload["error"]["message"]


async def _assert_normal_pace_is_unaffected(address: tuple[str, int], key: str) -> None:
    """Chunks a little apart, each well within the idle timeout: stored as usual."""
    reader, writer = await asyncio.open_connection(*address)
    try:
        writer.write(
            f"POST /api/v1/files HTTP/1.1\r\nHost: test\r\nX-API-Key: {key}\r\n"
            f"Content-Length: 3000\r\nConnection: close\r\n\r\n".encode()
        )
        for piece in [b"y" * 1000] * 3:
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(IDLE_S / 4)
        raw = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
    assert raw.startswith(b"HTTP/1.1 200"), raw[:300]
    assert json.loads(raw.partition(b"\r\n\r\n")[2])["size_bytes"] == 3000


async def test_a_stalled_body_gets_408(api: ApiClient, server: tuple[str, int]) -> None:
    """Content-Length 1000, then 10 bytes and silence: 408 after the idle timeout."""
    await _assert_normal_pace_is_unaffected(server, api.key)
    status, headers, body, elapsed = await _post_trickled(server, api.key, 1000, [b"x" * 10], 0)
    _assert_timeout_answer(status, headers, body)
    assert IDLE_S <= elapsed < IDLE_S + 3


async def test_a_trickled_body_gets_408_at_the_total_deadline(
    api: ApiClient, server: tuple[str, int]
) -> None:
    """A byte every 0.2 s never trips the idle timeout; the whole-body deadline stops it."""
    pieces = [b"x"] * 40
    status, headers, body, elapsed = await _post_trickled(server, api.key, 1000, pieces, 0.2)
    _assert_timeout_answer(status, headers, body)
    assert TOTAL_S <= elapsed < TOTAL_S + 3
