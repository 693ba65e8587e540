"""GET /api/v1/file/{file_uuid}/video on a real ingested session: Range, segments, errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import ApiClient
from tests.support.media import SAMPLE_FPS, MediaFactory


@pytest.fixture
def video_url(ready_session: dict[str, Any]) -> str:
    return f"/api/v1/file/{ready_session['id']}/video"


async def test_full_and_ranges_byte_exact(
    api: ApiClient, http: httpx.AsyncClient, media: MediaFactory, video_url: str
) -> None:
    data = media.sample_video().read_bytes()
    size = len(data)
    full = await http.get(video_url, headers=api.headers)
    assert full.status_code == 200 and full.content == data
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["cache-control"] == "private, max-age=86400"
    assert full.headers["content-type"] == "video/mp4"
    etag = full.headers["etag"]
    cases = {
        "bytes=0-99": (0, 99),
        "bytes=1000-": (1000, size - 1),
        "bytes=-500": (size - 500, size - 1),
        f"bytes=10-{size + 50}": (10, size - 1),
    }
    for header, (start, end) in cases.items():
        part = await http.get(video_url, headers={**api.headers, "Range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert part.content == data[start : end + 1]
    unsatisfiable = await http.get(video_url, headers={**api.headers, "Range": f"bytes={size}-"})
    assert unsatisfiable.status_code == 416
    assert unsatisfiable.headers["content-range"] == f"bytes */{size}"
    head = await http.head(video_url, headers=api.headers)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(size)
    if_range = await http.get(
        video_url, headers={**api.headers, "Range": "bytes=0-9", "If-Range": etag}
    )
    assert if_range.status_code == 206
    stale = await http.get(
        video_url, headers={**api.headers, "Range": "bytes=0-9", "If-Range": '"stale"'}
    )
    assert stale.status_code == 200 and stale.content == data
    cached = await http.get(video_url, headers={**api.headers, "If-None-Match": etag})
    assert cached.status_code == 304


def probe_streams(payload: bytes, tmp: Path) -> dict[str, Any]:
    path = tmp / "out.mp4"
    path.write_bytes(payload)
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


async def test_frame_range_is_stream_copied(
    api: ApiClient, http: httpx.AsyncClient, video_url: str, tmp_path: Path
) -> None:
    # frames 25..74 start on a keyframe (GOP 25), so stream copy is exact here
    response = await http.get(f"{video_url}?start_frame=25&end_frame=74", headers=api.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "video/mp4"
    streams = probe_streams(response.content, tmp_path)["streams"]
    video = next(s for s in streams if s["codec_type"] == "video")
    assert video["codec_name"] == "h264"
    assert int(video["nb_read_frames"]) == pytest.approx(50, abs=2)
    assert any(s["codec_type"] == "audio" for s in streams)
    silent = await http.get(
        f"{video_url}?start_frame=0&end_frame={SAMPLE_FPS - 1}&audio=off", headers=api.headers
    )
    streams = probe_streams(silent.content, tmp_path)["streams"]
    assert [s["codec_type"] for s in streams] == ["video"]
    no_audio_full = await http.get(f"{video_url}?audio=off", headers=api.headers)
    assert [s["codec_type"] for s in probe_streams(no_audio_full.content, tmp_path)["streams"]] == [
        "video"
    ]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("start_frame=10&end_frame=5", "INVALID_FRAME_RANGE"),
        ("start_frame=-1", "INVALID_FRAME"),
        ("start_frame=abc", "INVALID_FRAME"),
        ("start_frame=100000", "INVALID_FRAME_RANGE"),
        ("audio=maybe", "INVALID_PARAM"),
    ],
)
async def test_bad_parameters(
    api: ApiClient, http: httpx.AsyncClient, video_url: str, query: str, code: str
) -> None:
    response = await http.get(f"{video_url}?{query}", headers=api.headers)
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert response.json()["error"]["code"] == code


async def test_unknown_file_404(api: ApiClient, http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v1/file/" + "a" * 32 + "/video", headers=api.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "SESSION_NOT_FOUND"
