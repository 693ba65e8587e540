"""Seed 000's keyframe screenshots: ``GET /api/v1/label/{id}/keyframe/start|end``."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from tests.support.client import ApiClient
from tests.support.media import SAMPLE_FPS, MediaFactory, motion_frames

FRAME_MS = 1000.0 / SAMPLE_FPS


@pytest.fixture
async def motion_session(api: ApiClient, media: MediaFactory, run_worker: Any) -> str:
    session = await api.create_session_from_file(media.motion_video())
    await run_worker()
    return str(session["id"])


async def _get(api: ApiClient, label_id: str, edge: str) -> Any:
    return await api.http.get(f"/api/v1/label/{label_id}/keyframe/{edge}", headers=api.headers)


def _jpeg(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


async def test_start_and_end_frames_cropped_to_the_video_box(
    api: ApiClient, motion_session: str
) -> None:
    box = [[40, 30, 200, 150]]
    start, end = 12 * FRAME_MS, 77 * FRAME_MS + 5
    [label] = await api.add_labels(
        motion_session,
        [{"labelType": "ocr-result", "startTime": start, "endTime": end, "videoBox": box}],
    )
    truth = motion_frames()
    for edge, frame in (("start", 12), ("end", 77)):
        response = await _get(api, label["id"], edge)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/jpeg"
        image = _jpeg(response.content)
        assert image.shape == (120, 160, 3)
        expected = truth[frame, 30:150, 40:200].astype(int)
        errors = {
            n: np.abs(truth[n, 30:150, 40:200].astype(int) - image).mean()
            for n in (frame - 1, frame, frame + 1)
        }
        assert min(errors, key=errors.__getitem__) == frame, errors
        assert np.abs(expected - image).mean() < 8


async def test_label_without_a_box_gets_the_whole_frame_and_ends_clamp(
    api: ApiClient, motion_session: str
) -> None:
    [label] = await api.add_labels(
        motion_session, [{"labelType": "user", "startTime": 0, "endTime": 60_000}]
    )
    start = _jpeg((await _get(api, label["id"], "start")).content)
    assert start.shape == (240, 320, 3)
    end = _jpeg((await _get(api, label["id"], "end")).content)  # past the end: the last frame
    assert np.abs(end.astype(int) - motion_frames()[-1]).mean() < 8
    head = await api.http.head(f"/api/v1/label/{label['id']}/keyframe/start", headers=api.headers)
    assert head.status_code == 200 and head.content == b""


async def test_errors_are_typed(api: ApiClient, other_api: ApiClient, motion_session: str) -> None:
    [label] = await api.add_labels(
        motion_session, [{"labelType": "user", "startTime": 0, "endTime": 10}]
    )
    cases = [
        (api, "0" * 32, "start", 404, "LABEL_NOT_FOUND"),
        (api, label["id"], "middle", 400, "INVALID_EDGE"),
        (other_api, label["id"], "start", 404, "LABEL_NOT_FOUND"),
    ]
    for client, label_id, edge, status, code in cases:
        response = await _get(client, label_id, edge)
        assert response.status_code == status, response.text
        assert response.json() == {
            "success": False,
            "error": {"code": code, "message": response.json()["error"]["message"]},
        }
    unauthenticated = await api.http.get(f"/api/v1/label/{label['id']}/keyframe/start")
    assert unauthenticated.status_code == 401


async def test_session_without_media_yet_is_not_ready(api: ApiClient) -> None:
    created = await api.gql(
        'mutation { createSession(input: {url: "http://127.0.0.1:9/x.mp4"}) { id } }'
    )
    [label] = await api.add_labels(
        created["createSession"]["id"], [{"labelType": "user", "startTime": 0, "endTime": 10}]
    )
    response = await _get(api, label["id"], "start")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "NOT_READY"
