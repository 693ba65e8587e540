"""One production shape for the package: real servers, ``reelgraph api``, two workers."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.production.jobs import Reference, trace_reference
from tests.production.shape import ROOT, Shape
from tests.support import face_media
from tests.support.client import ApiClient
from tests.support.media import encode_frames, freeze_frames

# Short leases and checkpoints so a fault shows within seconds; everything else is the default.
SETTINGS_ENV = {
    "REELGRAPH_JOB_LEASE_S": "8",
    "REELGRAPH_FACE_STRIDE": "3",
    "REELGRAPH_FACE_CHECKPOINT_FRAMES": "60",
    "REELGRAPH_CHUNKS_ON_INGEST": "false",
    "REELGRAPH_WORKER_MAX_JOBS": "2",
    "REELGRAPH_URL_ALLOW_PRIVATE": "true",  # audio job callbacks to the test's own server
}


@pytest.fixture(scope="package")
def shape() -> Iterator[Shape]:
    """Redis, PostgreSQL and Neo4j, then the API, then two workers (compose's order)."""
    # under the repo like the embedded stack's: PostgreSQL's own user must reach its data
    root = ROOT / ".reelgraph-test" / f"production-{uuid.uuid4().hex[:8]}"
    started = Shape(root, SETTINGS_ENV)
    try:
        started.start(workers=2)
        yield started
    finally:
        started.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="package")
def api_key(shape: Shape) -> str:
    return shape.create_api_key("production")


@pytest.fixture
async def api(shape: Shape, api_key: str) -> AsyncIterator[ApiClient]:
    """A client of the API process over real HTTP."""
    async with httpx.AsyncClient(base_url=shape.api_url, timeout=60) as http:
        yield ApiClient(http, api_key, "")


@pytest.fixture(scope="package")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("production-media")


@pytest.fixture(scope="package")
def faces_video(media_dir: Path) -> Path:
    """300 frames with seven ground-truth face appearances (tests/support/face_media.py)."""
    return face_media.faces_video(media_dir)


@pytest.fixture(scope="package")
def freeze_clip(media_dir: Path) -> Path:
    """4 s with one planted freeze (frames 40-59)."""
    return encode_frames(freeze_frames(), media_dir / "freeze.mp4")


@pytest.fixture(scope="package")
async def faces_reference(shape: Shape, api_key: str, faces_video: Path) -> Reference:
    """The faces video traced once without a fault: what every other run must reproduce."""
    async with httpx.AsyncClient(base_url=shape.api_url, timeout=60) as http:
        return await trace_reference(ApiClient(http, api_key, ""), shape, faces_video)
