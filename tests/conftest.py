"""Shared fixtures: one embedded stack (real FalkorDB + PostgreSQL) per test run, real arq.

Every test that needs the stack (through ``stack_settings``, which ``state``, ``api`` and
``http`` depend on) is marked ``stack`` here; modules that start servers of their own mark
themselves. ``make test-fast`` runs the rest: ``-m "not stack and not slow"``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from api.app import create_app
from api.services.auth import create_api_key
from graph.embedded.stack import start_stack
from graph.runtime import close_state, open_state
from graph.settings import Settings, load_settings
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.media import MediaFactory
from tests.support.paths import TEST_DATA_ROOT
from tests.support.worker import run_worker_burst

# `make test` runs the stack tests once per graph store: REELGRAPH_TEST_GRAPH=neo4j for Neo4j
GRAPH_STORE_ENV = "REELGRAPH_TEST_GRAPH"
MARKERS = {
    "stack": "uses the embedded stack (PostgreSQL, Redis, graph store) or starts servers",
    "slow": "takes seconds of media work on its own; left out of make test-fast",
    "graph_stores": "picks its graph store(s) itself; not repeated on make test's Neo4j pass",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "stack_settings" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)


@pytest.fixture(scope="session")
def stack_settings() -> Iterator[Settings]:
    """Embedded servers for the whole run (external ones when their URLs are set).

    The data lives under the repo, not pytest's tmp dir: pytest keeps that 0700, and the
    embedded PostgreSQL runs as an unprivileged user that must traverse to its data.
    """
    data_dir = TEST_DATA_ROOT / uuid.uuid4().hex[:12]
    settings = load_settings(
        data_dir=data_dir,
        graph_store=os.environ.get(GRAPH_STORE_ENV, "falkordb"),
        url_allow_private=True,
        analysis_wait_max_s=60.0,
        # face tracing is opted into by the face tests (tests/faces), not run on every ingest
        face_trace_on_ingest=False,
    )
    stack = start_stack(settings)
    try:
        yield stack.settings
    finally:
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def state(stack_settings: Settings) -> AsyncIterator[AppState]:
    opened = await open_state(stack_settings)
    try:
        yield opened
    finally:
        await close_state(opened)


@pytest.fixture(scope="session")
def app(state: AppState) -> Starlette:
    return create_app(state=state)


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def _new_key(state: AppState, *scopes: str) -> tuple[str, str]:
    return await create_api_key(state.orgs, f"org-{uuid.uuid4().hex[:8]}", scopes or ("file",))


@pytest.fixture
async def live_url(app: Starlette) -> AsyncIterator[str]:
    """The app served by a real uvicorn on a free port of 127.0.0.1 (websockets, curl)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
async def api(state: AppState, http: httpx.AsyncClient) -> ApiClient:
    """A client of a fresh org (so tests never see each other's sessions)."""
    key, org_id = await _new_key(state)
    return ApiClient(http, key, org_id)


@pytest.fixture
async def other_api(state: AppState, http: httpx.AsyncClient) -> ApiClient:
    key, org_id = await _new_key(state)
    return ApiClient(http, key, org_id)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A fresh data directory for a ``reelgraph up`` child process, removed afterwards."""
    path = TEST_DATA_ROOT / f"cli-{uuid.uuid4().hex[:8]}"
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    return MediaFactory(tmp_path_factory.mktemp("media"))


@pytest.fixture
def run_worker(state: AppState) -> Any:
    """Run a real arq worker in burst mode until the queue is empty."""

    async def run() -> int:
        return await run_worker_burst(state)

    return run


@pytest.fixture
async def ready_session(api: ApiClient, media: MediaFactory, run_worker: Any) -> dict[str, Any]:
    """A session of the sample video, ingested."""
    session = await api.create_session_from_file(media.sample_video())
    await run_worker()
    return await api.session(session["id"])
