"""Pixel caps: decompression-bomb images and videos with absurd frames are refused, not decoded."""

from __future__ import annotations

import dataclasses
import resource
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest

from api.app import create_app
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.face_api import create_identity
from tests.support.image_bombs import png_bomb


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bombs") / "face.png"
    path.write_bytes(png_bomb(16384, 16384))
    return path


async def test_a_png_bomb_is_refused_before_decoding(api: ApiClient, bomb: Path) -> None:
    """A ~260 KB PNG declaring 16384x16384 pixels: IMAGE_TOO_LARGE at once, no gigabytes."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    body = await create_identity(api, "Bomb", [bomb])
    elapsed = time.perf_counter() - started
    error = body["errors"][0]
    assert error["extensions"]["code"] == "IMAGE_TOO_LARGE", error
    assert "image 1" in error["message"] and "16384x16384" in error["message"]
    assert elapsed < 2.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert grown_kib < 200 * 1024, "the picture was decoded"
    assert (await api.gql("query { identities { id } }"))["identities"] == []


async def test_formats_outside_the_allow_list_are_refused(api: ApiClient, tmp_path: Path) -> None:
    """A TIFF OpenCV could decode is refused by format, before any decoder sees it."""
    tiff = tmp_path / "face.tiff"
    ok, encoded = cv2.imencode(".tiff", np.full((64, 64, 3), 128, np.uint8))
    assert ok
    tiff.write_bytes(encoded.tobytes())
    body = await create_identity(api, "Tiff", [tiff])
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID_IMAGE"
    assert "not a readable image (PNG, JPEG, WebP or BMP)" in error["message"]


@pytest.fixture
async def small_cap(state: AppState) -> AsyncIterator[httpx.AsyncClient]:
    """The app with REELGRAPH_MAX_VIDEO_PIXELS below the sample video's 320x240 frames."""
    settings = state.settings.with_overrides(max_video_pixels=1000)
    capped = dataclasses.replace(state, settings=settings)
    transport = httpx.ASGITransport(app=create_app(state=capped))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_frame_routes_refuse_videos_above_the_pixel_cap(
    api: ApiClient, ready_session: dict[str, Any], small_cap: httpx.AsyncClient
) -> None:
    """Thumbnails, clips and overlay videos read the session's stored size before decoding."""
    sid = ready_session["id"]
    assert ready_session["width"] * ready_session["height"] > 1000
    base = f"/api/v1/file/{sid}"
    for path in (
        f"{base}/thumbnail?frame=0",
        f"{base}/clip?start_frame=0&end_frame=5",
        f"{base}/video/bbox",
        f"{base}/video?mode=debug",
    ):
        response = await small_cap.get(path, headers=api.headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["code"] == "VIDEO_TOO_LARGE", path
    # the stored file itself is still served: streaming it decodes nothing
    assert (await small_cap.get(f"{base}/video", headers=api.headers)).status_code == 200
    # and with the default cap the same thumbnail renders
    assert (await api.http.get(f"{base}/thumbnail?frame=0", headers=api.headers)).status_code == 200
