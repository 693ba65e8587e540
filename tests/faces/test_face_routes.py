"""Seed 004's face routes on the ground-truth video, traced by a real worker with real models.

The video is the face-tracing one with 100 empty frames added, so its mutual-gaze pair (frame
175) lies in the first half, where the seed's auto-detect looks.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from graph.state import AppState
from tests.support import face_media
from tests.support.client import ApiClient
from tests.support.face_api import create_identity, session_faces, traces_of, upload_session
from tests.support.face_media import FACING_AWAY_FIRST_FRAME
from tests.support.media import decoded_frames

pytestmark = pytest.mark.timeout(300)
TAIL = 100


@pytest.fixture(scope="module")
def padded_video(face_media_root: Path) -> Path:
    return face_media.faces_video(face_media_root, tail_frames=TAIL)


@pytest.fixture
async def traced(
    api: ApiClient, run_face_worker: Any, padded_video: Path, face_media_root: Path
) -> dict[str, Any]:
    """A traced session; the carphone man and his mirror image are two TMDb identities.

    SFace finds a face and its mirror image the same person, so the traces of the original
    (left in the facing pair, right in the facing-away one) are assigned by hand, as an
    analyst would correct them.
    """
    people = {}
    for name, mirrored in (("Carphone Man", False), ("Mirror Man", True)):
        created = await create_identity(
            api, name, [face_media.carphone_gallery(face_media_root, mirrored)], source="tmdb"
        )
        assert not created.get("errors"), created
        people[name] = created["data"]["createIdentity"]
    collins = await create_identity(
        api, "Eileen Collins", [face_media.gallery_image(face_media_root)]
    )
    people["Eileen Collins"] = collins["data"]["createIdentity"]
    session_id = await upload_session(api, padded_video)
    await run_face_worker()
    session = await session_faces(api, session_id)
    originals = [
        t["traceId"]
        for t in traces_of(session)
        if t["startFrame"] >= 170
        and (t["representativeFace"]["bbox"]["x"] < face_media.WIDTH / 2)
        == (t["startFrame"] < FACING_AWAY_FIRST_FRAME)
    ]
    assert len(originals) == 2, traces_of(session)
    for trace_id in originals:
        await api.gql(
            "mutation($s: ID!, $t: Int!, $i: ID) { assignTrace(sessionId: $s, traceId: $t, "
            "identityId: $i) { traceId } }",
            s=session_id,
            t=trace_id,
            i=people["Carphone Man"]["id"],
        )
    session = await session_faces(api, session_id)
    return {"id": session_id, "session": session, "traces": traces_of(session), "people": people}


def _decode_jpeg(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, "not a JPEG"
    return image


def _video_frames(data: bytes, tmp: Path, suffix: str) -> np.ndarray:
    path = tmp / f"out{suffix}"
    path.write_bytes(data)
    cmd = ["ffprobe", "-v", "error", "-select_streams", "v:0"]
    cmd += ["-show_entries", "stream=width,height", "-of", "csv=p=0", str(path)]
    probe = subprocess.run(cmd, capture_output=True, text=True, check=True)
    width, height = (int(v) for v in probe.stdout.strip().split(",")[:2])
    return decoded_frames(path, width, height)


async def test_representative_face_json_matches_the_trace(
    api: ApiClient, traced: dict[str, Any]
) -> None:
    sid = traced["id"]
    for trace in traced["traces"]:
        response = await api.http.get(
            f"/api/v1/file/{sid}/trace/{trace['traceId']}/representative-face", headers=api.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["success"] is True and body["file_uuid"] == sid
        assert body["trace_id"] == trace["traceId"]
        assert body["face_count"] == trace["faceCount"]
        rep, expected = body["representative"], trace["representativeFace"]
        assert set(rep) == {
            "frame_number",
            "timestamp_secs",
            "bbox",
            "confidence",
            "quality_score",
            "blur_score",
        }
        assert rep["frame_number"] == expected["frameNumber"]
        assert rep["timestamp_secs"] == pytest.approx(expected["frameNumber"] / face_media.FPS)
        assert set(rep["bbox"]) == {"x", "y", "width", "height"}
        assert all(isinstance(v, int) for v in rep["bbox"].values())
        assert rep["bbox"]["width"] == round(expected["bbox"]["width"])
        assert isinstance(rep["confidence"], float) and 0 < rep["confidence"] <= 1
        assert rep["quality_score"] == pytest.approx(expected["qualityScore"], rel=1e-3)
    missing = await api.http.get(
        f"/api/v1/file/{sid}/trace/9999/representative-face", headers=api.headers
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "TRACE_NOT_FOUND"
    bad = await api.http.get(f"/api/v1/file/{sid}/trace/x/thumbnail", headers=api.headers)
    assert bad.status_code == 400
    unknown_file = await api.http.get(
        "/api/v1/file/nope/trace/1/representative-face", headers=api.headers
    )
    assert unknown_file.status_code == 404


async def test_trace_and_stranger_thumbnails_are_the_face_at_320px(
    api: ApiClient, traced: dict[str, Any], padded_video: Path
) -> None:
    sid = traced["id"]
    frames = face_media.render_frames(TAIL)
    for trace in traced["traces"]:
        response = await api.http.get(
            f"/api/v1/file/{sid}/trace/{trace['traceId']}/thumbnail", headers=api.headers
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/jpeg"
        assert response.headers["cache-control"] == "private, max-age=86400"
        image = _decode_jpeg(response.content)
        assert image.shape == (320, 320, 3)
        # the face itself: the centre of the thumbnail is the centre of the face box
        rep = trace["representativeFace"]
        cx = rep["bbox"]["x"] + rep["bbox"]["width"] / 2
        cy = rep["bbox"]["y"] + rep["bbox"]["height"] / 2
        truth = frames[rep["frameNumber"]]
        patch = truth[int(cy) - 8 : int(cy) + 8, int(cx) - 8 : int(cx) + 8].mean(axis=(0, 1))
        centre = image[152:168, 152:168].mean(axis=(0, 1))
        assert np.abs(patch - centre).max() < 25, (patch, centre)
    strangers = traced["session"]["strangers"]
    assert strangers
    for stranger in strangers:
        sid_path = f"/api/v1/file/{sid}/stranger/{stranger['strangerId']}"
        body = (await api.http.get(sid_path + "/representative-face", headers=api.headers)).json()
        assert body["success"] and body["stranger_id"] == stranger["strangerId"]
        assert body["face_count"] == stranger["faceCount"]
        assert body["representative"]["frame_number"] >= 0
        thumb = await api.http.get(sid_path + "/thumbnail", headers=api.headers)
        assert _decode_jpeg(thumb.content).shape == (320, 320, 3)
    missing = await api.http.get(f"/api/v1/file/{sid}/stranger/99/thumbnail", headers=api.headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "STRANGER_NOT_FOUND"


async def test_auto_detect_picks_the_mutual_gaze_frame(
    api: ApiClient, traced: dict[str, Any]
) -> None:
    sid = traced["id"]
    gaze = [
        edge["mutualGazeFirstFrame"]
        for trace in traced["traces"]
        for edge in trace["coOccursWith"]
        if edge["mutualGaze"]
    ]
    assert gaze, "the test media has a mutual-gaze pair"
    response = await api.http.get(f"/api/v1/file/{sid}/representative-frame", headers=api.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["frame_number"] == min(gaze)
    assert abs(body["frame_number"] - face_media.PAIRS[("carphone", "carphone-mirror")][0]) <= 3
    assert body["selected_by"] == "mutual_gaze"
    assert body["timestamp_secs"] == pytest.approx(body["frame_number"] / face_media.FPS)
    names = {m["name"] for m in body["main_identities"]}
    assert names == {"Carphone Man", "Mirror Man"}  # Collins is a manual identity
    assert all(m["face_count"] > 0 for m in body["main_identities"])
    assert len(body["traces"]) == 2
    assert {t["name"] for t in body["traces"]} == {"Carphone Man", "Mirror Man"}
    assert all(
        {"trace_id", "identity_uuid", "x", "y", "width", "height", "confidence"} <= set(t)
        for t in body["traces"]
    )
    assert body["face_quality"] > 0

    auto = await api.http.get(f"/api/v1/file/{sid}/thumbnail", headers=api.headers)
    exact = await api.http.get(
        f"/api/v1/file/{sid}/thumbnail?frame={body['frame_number']}", headers=api.headers
    )
    assert auto.status_code == exact.status_code == 200
    assert auto.content == exact.content


async def test_co_occur_with_json_and_its_404s(api: ApiClient, traced: dict[str, Any]) -> None:
    sid, people = traced["id"], traced["people"]
    a, b = people["Carphone Man"]["id"], people["Mirror Man"]["id"]
    response = await api.http.get(
        f"/api/v1/file/{sid}/identities/{a}/co-occur-with/{b}", headers=api.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["identity_a"]["identity_uuid"] == a and body["identity_a"]["name"] == "Carphone Man"
    assert body["identity_b"]["identity_uuid"] == b
    first = body["first_cooccurrence"]
    assert abs(first["frame_number"] - 175) <= 3
    assert first["timestamp_secs"] == pytest.approx(first["frame_number"] / face_media.FPS)
    assert first["total_cooccurrence_frames"] >= 90  # two 50-frame segments
    for side, key in (("a", "identity_a"), ("b", "identity_b")):
        face = first[f"representative_face_{side}"]
        assert set(face) == {"frame_number", "bbox", "confidence", "thumbnail_url"}
        assert (
            face["thumbnail_url"] == f"/api/v1/file/{sid}/trace/{body[key]['trace_id']}/thumbnail"
        )
        thumb = await api.http.get(face["thumbnail_url"], headers=api.headers)
        assert thumb.status_code == 200
    collins = people["Eileen Collins"]["id"]
    never = await api.http.get(
        f"/api/v1/file/{sid}/identities/{a}/co-occur-with/{collins}", headers=api.headers
    )
    assert never.status_code == 404 and never.json()["error"]["code"] == "NO_COOCCURRENCE"
    unknown = await api.http.get(
        f"/api/v1/file/{sid}/identities/{a}/co-occur-with/nobody", headers=api.headers
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "IDENTITY_NOT_FOUND"


async def test_trace_video_and_bbox_video_draw_the_boxes(
    api: ApiClient, traced: dict[str, Any], tmp_path: Path, state: AppState
) -> None:
    sid = traced["id"]
    trace = max(traced["traces"], key=lambda t: t["faceCount"])
    response = await api.http.get(
        f"/api/v1/file/{sid}/trace/{trace['traceId']}/video?audio=off", headers=api.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "video/mp4"
    frames = _video_frames(response.content, tmp_path, ".mp4")
    assert len(frames) == trace["endFrame"] - trace["startFrame"] + 1
    assert frames.shape[1:] == (face_media.HEIGHT, face_media.WIDTH, 3)
    # the box is drawn in amber (B≈0, G≈215, R≈255) on the face's outline (its bottom edge;
    # the name sits on the top one)
    truth = face_media.render_frames(TAIL)
    rep = trace["representativeFace"]
    k = rep["frameNumber"] - trace["startFrame"]
    y = int(rep["bbox"]["y"] + rep["bbox"]["height"])
    x0, x1 = int(rep["bbox"]["x"]), int(rep["bbox"]["x"] + rep["bbox"]["width"])
    drawn = frames[k, max(y - 1, 0) : y + 2, x0 + 10 : x1 - 10].reshape(-1, 3).mean(axis=0)
    original = truth[rep["frameNumber"]][max(y - 1, 0) : y + 2, x0 + 10 : x1 - 10]
    assert drawn[2] > 200 and drawn[0] < 80, drawn
    assert np.abs(original.reshape(-1, 3).mean(axis=0) - drawn).max() > 60
    # the cached copy is served next time, byte for byte
    again = await api.http.get(
        f"/api/v1/file/{sid}/trace/{trace['traceId']}/video?audio=off", headers=api.headers
    )
    assert again.content == response.content and "etag" in again.headers

    bbox = await api.http.get(
        f"/api/v1/file/{sid}/video/bbox?start_frame=170&end_frame=189&audio=off",
        headers=api.headers,
    )
    assert bbox.status_code == 200, bbox.text
    assert len(_video_frames(bbox.content, tmp_path, ".mp4")) == 20
    debug = await api.http.get(
        f"/api/v1/file/{sid}/video?mode=debug&start_frame=0&end_frame=9", headers=api.headers
    )
    assert debug.status_code == 200 and len(_video_frames(debug.content, tmp_path, ".mp4")) == 10
    bad = await api.http.get(f"/api/v1/file/{sid}/video?mode=fancy", headers=api.headers)
    assert bad.status_code == 400
