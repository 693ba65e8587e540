"""OCR and image match end to end: labels through GraphQL, the real arq worker, result labels.

One small synthesised video (2 s at 25 fps) carries both truths: two lines of text in the top
band changing at frame 30, and a logo planted in frames 10-34.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from tests.support.analyses import ingest
from tests.support.client import LABEL_FIELDS, ApiClient
from tests.support.logos import background, iou, logo, plant
from tests.support.media import encode_frames
from tests.support.rendered_text import place, text_image

FPS = 25
FRAMES = 50
W, H = 320, 176
TEXT_BOX = [0, 0, 320, 56]
LOGO_AT = (180, 110)
LOGO_BOX = (180, 110, 300, 150)
LOGO_FRAMES = (10, 34)
GROUP = f"query($id: ID!) {{ labelGroup(id: $id) {{ labels {{ {LABEL_FIELDS} }} }} }}"


def _frame(n: int, texture: np.ndarray) -> np.ndarray:
    image = texture.copy()
    text = "Hello world" if n < 30 else "Order shipped"
    place(image, text_image(text, size=28, width=320, height=56), 0, 0)
    if LOGO_FRAMES[0] <= n <= LOGO_FRAMES[1]:
        plant(image, logo(), *LOGO_AT)
    return image


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texture = background(W, H, seed=3)
    frames = np.stack([_frame(n, texture) for n in range(FRAMES)])
    return encode_frames(frames, tmp_path_factory.mktemp("ocrmatch") / "clip.mp4", crf=18, fps=FPS)


async def _group(api: ApiClient, label: dict[str, Any], label_type: str) -> list[dict]:
    found = await api.gql(GROUP, id=label["labelGroupId"])
    return [lab for lab in found["labelGroup"]["labels"] if lab["labelType"] == label_type]


async def test_ocr_and_template_match_through_the_worker(
    api: ApiClient, clip: Path, run_worker: Any
) -> None:
    session_id = await ingest(api, run_worker, clip)
    # the seed's workflow: a keyframe crop becomes the query image
    created = await api.gql(
        "mutation($s: ID!, $b: [Int!]) { createQueryImageFromFrame(sessionId: $s, frame: 20, "
        'box: $b, name: "acme") { id width height name } }',
        s=session_id,
        b=list(LOGO_BOX),
    )
    image = created["createQueryImageFromFrame"]
    assert (image["width"], image["height"], image["name"]) == (120, 40, "acme")
    match_data = {"method": "template", "image_id": image["id"], "threshold": 0.9}
    ocr, landscape, match = await api.add_labels(
        session_id,
        [
            {"name": "banner", "labelType": "ocr-request", "startTime": 0, "endTime": 2000,
             "videoBox": [TEXT_BOX], "data": {"confidence_threshold": 70}},
            {"labelType": "ocr-request", "startTime": 0, "endTime": 40, "videoBox": [TEXT_BOX],
             "data": {"landscape": True}},
            {"name": "template match", "labelType": "image-match-request", "startTime": 0,
             "endTime": 2000, "data": match_data},
        ],
    )  # fmt: skip
    await run_worker()

    texts = await _group(api, ocr, "ocr-result")
    assert [(r["name"], r["startTime"], r["endTime"]) for r in texts] == [
        ("Hello world", 0, 1200),
        ("Order shipped", 1200, 2000),
    ]
    for result in texts:
        assert result["category"] == "ocr result"
        assert result["videoBox"] == [TEXT_BOX]
        assert result["data"]["confidence_threshold"] == 70
        assert result["data"]["ocr_config"] == "--psm 7"
        assert result["data"]["target_height"] is None
        assert len(result["data"]["confidence"]) == 2
        assert all(c >= 70 for c in result["data"]["confidence"])

    [found] = await _group(api, match, "image-match-result")
    assert (found["startTime"], found["endTime"]) == (400, 1400)  # frames 10-34
    assert found["name"] is None and found["category"] is None
    assert found["data"] == match_data
    assert iou(found["videoBox"][0], LOGO_BOX) >= 0.9
    states = {a["key"]: a for a in (await api.session(session_id))["analyses"]}
    assert states["ocr"]["state"] == states["image-match"]["state"] == "DONE"

    # the keyframe screenshots show the crop as OCR reads it: turned for landscape
    for label, shape in ((ocr, (56, 320, 3)), (landscape, (320, 56, 3))):
        shot = await api.http.get(
            f"/api/v1/label/{label['id']}/keyframe/start", headers=api.headers
        )
        assert shot.status_code == 200
        picture = cv2.imdecode(np.frombuffer(shot.content, np.uint8), cv2.IMREAD_COLOR)
        assert picture is not None and picture.shape == shape


async def test_bad_requests_are_refused_with_typed_errors(
    api: ApiClient, other_api: ApiClient, clip: Path
) -> None:
    session = await api.create_session_from_file(clip)
    png = cv2.imencode(".png", logo())[1].tobytes()
    flat = cv2.imencode(".png", np.full((60, 200, 3), 90, np.uint8))[1].tobytes()
    ids = []
    for owner, data in ((api, png), (api, flat), (other_api, png)):
        response = await owner.http.post(
            "/api/v1/query-images", content=data, headers=owner.headers
        )
        ids.append(response.json()["image_id"])
    mine, plain, theirs = ids
    query = "mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id } }"
    box = [[0, 0, 320, 56]]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"labelType": "ocr-request"}, "VIDEO_BOX_REQUIRED"),
        ({"labelType": "ocr-request", "videoBox": box, "data": {"ocr_config": "--oem 1"}},
         "INVALID_OCR_CONFIG"),
        ({"labelType": "ocr-request", "videoBox": box, "data": {"target_height": 20}},
         "INVALID_PARAMETER"),
        ({"labelType": "image-match-request", "data": {"method": "sift", "image_id": mine}},
         "UNKNOWN_MATCH_METHOD"),
        ({"labelType": "image-match-request",
          "data": {"method": "template", "image_id": mine, "threshold": 1.2}},
         "INVALID_PARAMETER"),
        ({"labelType": "image-match-request",
          "data": {"method": "template", "image_id": theirs, "threshold": 0.9}},
         "QUERY_IMAGE_NOT_FOUND"),
        ({"labelType": "image-match-request",
          "data": {"method": "keypoint", "image_id": "0b9e0e9e-3c5a-4c37-9a55-0a2f4c9e7b1d"}},
         "QUERY_IMAGE_NOT_FOUND"),
        ({"labelType": "image-match-request", "data": {"method": "keypoint", "image_id": plain}},
         "TOO_FEW_KEYPOINTS"),
    ]  # fmt: skip
    for label, code in cases:
        good = {"labelType": "user", "startTime": 0, "endTime": 1000}
        error = await api.gql_error(
            query, s=session["id"], l=[good, {"startTime": 0, "endTime": 1000, **label}]
        )
        assert error["extensions"]["code"] == code, (label, error)
    labels = await api.gql(
        "query($id: ID!) { session(id: $id) { labels(first: 10) { totalCount } } }",
        id=session["id"],
    )
    assert labels["session"]["labels"]["totalCount"] == 0  # nothing half-written
    # the queued ingest then finds no session and leaves the other tests' worker runs alone
    await api.gql("mutation($id: ID!) { deleteSession(id: $id) }", id=session["id"])
