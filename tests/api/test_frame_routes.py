"""Frame-exact thumbnails, clips and chunk thumbnails on a real ingested video (seed 004)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.media import MOTION_FRAMES, SAMPLE_FPS, MediaFactory, decoded_frames

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
async def motion_session(api: ApiClient, media: MediaFactory, run_worker: Any) -> str:
    session = await api.create_session_from_file(media.motion_video())
    await run_worker()
    ready = await api.session(session["id"])
    assert ready["status"] == "READY", ready
    return str(session["id"])


@pytest.fixture(scope="module")
def decoded(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """Every frame of the motion video, decoded independently (ffmpeg, from the start)."""
    media = MediaFactory(tmp_path_factory.mktemp("decoded"))
    frames = decoded_frames(media.motion_video(), 320, 240)
    assert len(frames) == MOTION_FRAMES
    return frames


def _jpeg(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, data[:200]
    return image


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def _probe(path: Path) -> dict[str, Any]:
    entries = "stream=codec_type,codec_name,width,height,nb_read_frames:format=format_name"
    cmd = ["ffprobe", "-v", "error", "-count_frames", "-show_entries", entries]
    cmd += ["-of", "json", str(path)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out))


def _frames_of(path: Path) -> np.ndarray:
    return decoded_frames(path, 320, 240)


async def test_thumbnail_is_exactly_frame_n(
    api: ApiClient, motion_session: str, decoded: np.ndarray
) -> None:
    # keyframes are 0, 50, 100; the others include B-frames decoded after later P-frames
    for n in (0, 1, 2, 37, 49, 50, 51, 98, 101, 149):
        response = await api.http.get(
            f"/api/v1/file/{motion_session}/thumbnail?frame={n}", headers=api.headers
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/jpeg"
        assert response.headers["cache-control"] == "private, max-age=86400"
        image = _jpeg(response.content)
        assert image.shape == (240, 320, 3)
        # ~3 is JPEG's own loss on these sharp stripes (the decode itself is bit-exact:
        # tests/analysis/test_frames.py); the neighbouring frames differ by ~36
        own = _diff(image, decoded[n])
        assert own < 4.0, (n, own)
        for other in (n - 1, n + 1):
            if 0 <= other < MOTION_FRAMES:
                assert _diff(image, decoded[other]) > 5 * own, (n, other)


async def test_thumbnail_crop_cache_and_errors(
    api: ApiClient, motion_session: str, decoded: np.ndarray, state: AppState
) -> None:
    base = f"/api/v1/file/{motion_session}/thumbnail"
    crop = await api.http.get(f"{base}?frame=77&x=30&y=20&w=100&h=60", headers=api.headers)
    assert crop.status_code == 200, crop.text
    image = _jpeg(crop.content)
    assert image.shape == (60, 100, 3)
    assert _diff(image, decoded[77, 20:80, 30:130]) < 4.0

    first = await api.http.get(f"{base}?frame=88", headers=api.headers)
    cache_files = list((state.settings.cache_dir / motion_session).glob("frame-88-*.jpg"))
    assert len(cache_files) == 1 and cache_files[0].read_bytes() == first.content
    second = await api.http.get(f"{base}?frame=88", headers=api.headers)
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    not_modified = await api.http.get(
        f"{base}?frame=88", headers={**api.headers, "If-None-Match": first.headers["etag"]}
    )
    assert not_modified.status_code == 304

    errors = {
        "?frame=150": (400, "INVALID_FRAME"),
        "?frame=-1": (400, "INVALID_FRAME"),
        "?frame=abc": (400, "INVALID_FRAME"),
        "?frame=1&x=1&y=1&w=10": (400, "INVALID_CROP"),
        "?frame=1&x=300&y=0&w=40&h=10": (400, "INVALID_CROP"),
        "?frame=1&x=0&y=0&w=0&h=10": (400, "INVALID_CROP"),
        # no faces were traced: the auto-detect chain has nothing to pick
        "": (404, "NO_FACES"),
    }
    for query, (status, code) in errors.items():
        response = await api.http.get(base + query, headers=api.headers)
        assert response.status_code == status, (query, response.text)
        body = response.json()
        assert body["success"] is False and body["error"]["code"] == code, (query, body)
    unknown = await api.http.get("/api/v1/file/unknown/thumbnail?frame=1", headers=api.headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "SESSION_NOT_FOUND"
    no_key = await api.http.get(f"{base}?frame=1")
    assert no_key.status_code == 401


async def test_clip_is_frame_exact_mpeg_ts(
    api: ApiClient, motion_session: str, decoded: np.ndarray, tmp_path: Path
) -> None:
    base = f"/api/v1/file/{motion_session}/clip"
    response = await api.http.get(f"{base}?start_frame=37&end_frame=61", headers=api.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "video/mp2t"
    assert response.headers["cache-control"] == "private, max-age=86400"
    path = tmp_path / "clip.ts"
    path.write_bytes(response.content)
    info = _probe(path)
    assert info["format"]["format_name"] == "mpegts"
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert streams["video"]["codec_name"] == "h264" and streams["audio"]["codec_name"] == "aac"
    assert int(streams["video"]["nb_read_frames"]) == 25
    frames = _frames_of(path)
    for k, n in ((0, 37), (12, 49), (24, 61)):
        own = _diff(frames[k], decoded[n])
        assert own < 6.0, (n, own)
        assert own < 0.5 * min(_diff(frames[k], decoded[n - 1]), _diff(frames[k], decoded[n + 1]))

    by_time = await api.http.get(f"{base}?start_time=2&end_time=3&audio=off", headers=api.headers)
    assert by_time.status_code == 200
    (tmp_path / "t.ts").write_bytes(by_time.content)
    info = _probe(tmp_path / "t.ts")
    assert [s["codec_type"] for s in info["streams"]] == ["video"]
    assert int(info["streams"][0]["nb_read_frames"]) == SAMPLE_FPS
    assert _diff(_frames_of(tmp_path / "t.ts")[0], decoded[2 * SAMPLE_FPS]) < 6.0

    # fps overrides the frame↔time conversion: frames 0..49 at 50 fps are frames 0..25 here
    rate = await api.http.get(
        f"{base}?start_frame=0&end_frame=48&fps=50&audio=off", headers=api.headers
    )
    (tmp_path / "r.ts").write_bytes(rate.content)
    assert int(_probe(tmp_path / "r.ts")["streams"][0]["nb_read_frames"]) == 25

    debug = await api.http.get(
        f"{base}?start_frame=37&end_frame=61&mode=debug&audio=off", headers=api.headers
    )
    (tmp_path / "d.ts").write_bytes(debug.content)
    stamped = _frames_of(tmp_path / "d.ts")
    assert len(stamped) == 25
    # "CLIP" is drawn top left; the rest of the picture is the same frame
    assert _diff(stamped[0][:30, :150], frames[0][:30, :150]) > 15
    assert _diff(stamped[0][120:], frames[0][120:]) < 3

    cached = await api.http.get(f"{base}?start_frame=37&end_frame=61", headers=api.headers)
    assert cached.content == response.content and "etag" in cached.headers

    errors = {
        "": "MISSING_RANGE",
        "?start_frame=10": "MISSING_RANGE",
        "?start_frame=20&end_frame=10": "INVALID_FRAME_RANGE",
        "?start_frame=100&end_frame=150": "INVALID_FRAME",
        "?start_time=3&end_time=2": "INVALID_TIME_RANGE",
        "?start_time=5&end_time=9": "INVALID_FRAME",
        "?start_frame=1&end_frame=2&fps=0": "INVALID_PARAM",
        "?start_frame=1&end_frame=2&audio=maybe": "INVALID_PARAM",
    }
    for query, code in errors.items():
        bad = await api.http.get(base + query, headers=api.headers)
        assert bad.status_code == 400, (query, bad.text)
        assert bad.json()["error"]["code"] == code, (query, bad.json())


async def test_chunk_thumbnail_is_the_chunks_middle_frame(
    api: ApiClient, motion_session: str, decoded: np.ndarray
) -> None:
    data = await api.gql(
        "query($id: ID!) { session(id: $id) { chunks { id startFrame endFrame } } }",
        id=motion_session,
    )
    chunks = data["session"]["chunks"]
    assert chunks and chunks[0]["id"] == "chunk_1"
    chunk = chunks[0]
    middle = (chunk["startFrame"] + chunk["endFrame"]) // 2
    response = await api.http.get(
        f"/api/v1/file/{motion_session}/chunk/chunk_1/thumbnail", headers=api.headers
    )
    assert response.status_code == 200, response.text
    assert _diff(_jpeg(response.content), decoded[middle]) < 4.0
    missing = await api.http.get(
        f"/api/v1/file/{motion_session}/chunk/chunk_99/thumbnail", headers=api.headers
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "CHUNK_NOT_FOUND"


async def test_routes_need_a_ready_video(
    api: ApiClient, media: MediaFactory, run_worker: Any
) -> None:
    pending = await api.create_session_from_file(media.motion_video())
    early = await api.http.get(
        f"/api/v1/file/{pending['id']}/thumbnail?frame=1", headers=api.headers
    )
    assert early.status_code == 409 and early.json()["error"]["code"] == "NOT_READY"
    await run_worker()
    audio = await api.create_session_from_file(media.tone_audio())
    await run_worker()
    for route in ("thumbnail?frame=0", "clip?start_frame=0&end_frame=1", "representative-frame"):
        response = await api.http.get(f"/api/v1/file/{audio['id']}/{route}", headers=api.headers)
        assert response.status_code == 400, (route, response.text)
        assert response.json()["error"]["code"] == "NO_VIDEO"
