"""Fixtures for face tracing: a worker whose settings trace faces after ingest."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from graph.state import AppState
from tests.support import face_media
from tests.support.face_api import FACE_SETTINGS
from tests.support.worker import run_worker_burst


@pytest.fixture(scope="session")
def face_state(state: AppState) -> AppState:
    return dataclasses.replace(state, settings=state.settings.with_overrides(**FACE_SETTINGS))


@pytest.fixture
def run_face_worker(face_state: AppState) -> Any:
    async def run() -> int:
        return await run_worker_burst(face_state)

    return run


@pytest.fixture(scope="session")
def face_media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("face-media")


@pytest.fixture(scope="session")
def faces_video(face_media_root: Path) -> Path:
    return face_media.faces_video(face_media_root)
