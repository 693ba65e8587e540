"""video-content labels end to end: label → real arq job → series, result labels, analyses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.state import AppState
from tests.support.analyses import TIME_SERIES, analysis_view, ingest, series_points
from tests.support.client import LABEL_FIELDS, ApiClient
from tests.support.media import (
    FREEZE_END_MS,
    FREEZE_FIRST,
    FREEZE_LAST,
    FREEZE_START_MS,
    encode_frames,
    freeze_frames,
)

QUALITY_SERIES = {
    "blockiness",
    "blurriness",
    "brightness",
    "colorfulness",
    "contrast",
    "downsampling_index",
    "video_quality_mos",
}
ADD = f"""
mutation($s: ID!, $l: [LabelInput!]!) {{
  addLabels(sessionId: $s, labels: $l) {{ {LABEL_FIELDS} }}
}}
"""
STATUS = """
query($s: ID!, $t: [String!]) {
  analysisStatus(sessionId: $s, track: $t, timeout: 0) { status message }
}
"""


def content_request(end_ms: int, keys: list[str], **data: Any) -> dict[str, Any]:
    """A ``video-content`` request label from 0 to ``end_ms`` for the analyses ``keys``."""
    return {
        "labelType": "video-content",
        "startTime": 0,
        "endTime": end_ms,
        "data": {"analysis_keys": keys, **data},
    }


@pytest.fixture(scope="module")
def freeze_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encode_frames(freeze_frames(), tmp_path_factory.mktemp("vq") / "freeze.mp4")


async def test_full_suite_writes_every_series_in_the_interval(
    api: ApiClient, run_worker: Any, freeze_clip: Path
) -> None:
    sid = await ingest(api, run_worker, freeze_clip)
    [label] = await api.add_labels(
        sid, [{"labelType": "video-content", "name": "all", "startTime": "1.0", "endTime": 3000}]
    )
    pending = await api.gql(STATUS, s=sid, t=["blurriness"])
    assert pending["analysisStatus"]["status"] == "timeout"
    assert await run_worker() == 1
    view = await analysis_view(api, sid)
    assert set(view["series"]) == QUALITY_SERIES
    assert view["series"]["blurriness"]["category"] == "Video Quality"
    for key in (
        "blockiness",
        "blurriness",
        "brightness",
        "colorfulness",
        "contrast",
        "downsampling-index",
        "video-quality-mos",
        "poor-video-quality-issue",
    ):
        assert view["analyses"][key]["state"] == "DONE", key
    # no session tag: screen freezing did not run at all
    assert "screen-freezing" not in view["analyses"]
    assert not [lab for lab in view["labels"] if lab["labelType"] == "screen-freezing-issue"]
    points = await series_points(api, sid, "brightness")
    times = [p["t"] for p in points]
    assert times == sorted(times) and 1000 <= times[0] < 1100 and 2900 <= times[-1] < 3000
    assert len(points) == 25  # 2 s, every 2nd frame at 25 fps
    done = await api.gql(STATUS, s=sid, t=["blurriness", "video-quality-mos"])
    assert done["analysisStatus"]["status"] == "done"
    assert label["id"] in {lab["id"] for lab in view["labels"]}


async def test_analysis_keys_narrow_and_unknown_keys_are_named(
    api: ApiClient, run_worker: Any, freeze_clip: Path
) -> None:
    sid = await ingest(api, run_worker, freeze_clip)
    err = await api.gql_error(ADD, s=sid, l=[content_request(1000, ["brightness", "sharpness"])])
    assert err["extensions"]["code"] == "UNKNOWN_ANALYSIS_KEY"
    assert "'sharpness'" in err["message"]
    assert (await analysis_view(api, sid))["labels"] == []  # nothing half-written
    await api.add_labels(sid, [content_request(1000, ["brightness", "colorfulness"])])
    await run_worker()
    view = await analysis_view(api, sid)
    assert set(view["series"]) == {"brightness", "colorfulness"}
    assert set(view["analyses"]) == {"ingest", "chunks", "brightness", "colorfulness"}


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"videoBox": [[0, 0, 321, 100]]}, "INVALID_VIDEO_BOX"),
        ({"videoBox": [[0, 0, 10, 10], [20, 20, 30, 30]]}, "INVALID_VIDEO_BOX"),
        ({"data": {"parameters": {"sample_hzz": 5}}}, "INVALID_PARAMETER"),
        ({"data": {"parameters": {"sample_hz": "fast"}}}, "INVALID_PARAMETER"),
        ({"data": {"analysis_keys": ["screen_freezing"]}}, "SCREEN_FREEZING_NEEDS_TAG"),
        ({"endTime": 500}, "INVALID_TIME_RANGE"),
    ],
)
async def test_bad_requests_are_refused_before_anything_is_written(
    api: ApiClient, run_worker: Any, freeze_clip: Path, extra: dict, code: str
) -> None:
    sid = await ingest(api, run_worker, freeze_clip)
    label = {"labelType": "video-content", "startTime": 500, "endTime": 1500, **extra}
    err = await api.gql_error(
        ADD, s=sid, l=[{"labelType": "user", "startTime": 0, "endTime": 1}, label]
    )
    assert err["extensions"]["code"] == code, err
    assert (await analysis_view(api, sid))["labels"] == []


async def test_tagged_session_finds_the_planted_freeze_exactly(
    api: ApiClient, run_worker: Any, freeze_clip: Path
) -> None:
    sid = await ingest(api, run_worker, freeze_clip, tags={"analysis": "screen freezing"})
    [request] = await api.add_labels(sid, [content_request(4000, ["screen_freezing"])])
    await run_worker()
    view = await analysis_view(api, sid)
    [issue] = [lab for lab in view["labels"] if lab["labelType"] == "screen-freezing-issue"]
    assert issue["labelGroupId"] == request["labelGroupId"]
    assert (issue["startTime"], issue["endTime"]) == (FREEZE_START_MS, FREEZE_END_MS)
    assert issue["data"]["start_frame"] == FREEZE_FIRST
    assert issue["data"]["end_frame"] == FREEZE_LAST
    assert view["analyses"]["screen-freezing"]["message"] == "1 screen freezes."
    assert view["series"] == {}  # freezing is intervals, not a series


async def test_delete_removes_results_and_rerun_replaces_them(
    api: ApiClient, run_worker: Any, freeze_clip: Path, state: AppState
) -> None:
    sid = await ingest(api, run_worker, freeze_clip, tags={"analysis": "screen freezing"})
    spec = content_request(4000, ["brightness", "screen_freezing"])
    [keep] = await api.add_labels(sid, [spec])
    await run_worker()
    kept = await series_points(api, sid, "brightness")
    assert len(kept) == 50  # frames 0, 2, ... 98
    [drop] = await api.add_labels(sid, [{**spec, "startTime": 1000}])
    await run_worker()
    both = await series_points(api, sid, "brightness")
    assert len(both) == len(kept) + 38  # frames 25, 27, ... 99 from the second request
    # rerun: the same points again, not twice as many
    rerun = await api.gql("mutation($id: ID!) { rerunLabel(id: $id) { id } }", id=keep["id"])
    assert rerun["rerunLabel"]["id"] == keep["id"]
    await run_worker()
    assert await series_points(api, sid, "brightness") == both
    issues = [
        lab
        for lab in (await analysis_view(api, sid))["labels"]
        if lab["labelType"] == "screen-freezing-issue"
    ]
    assert len(issues) == 2  # one per request, each in its request's group
    # delete one request: its points, result labels and runs go; the other's stay
    await api.gql("mutation($id: ID!) { deleteLabel(id: $id) }", id=drop["id"])
    view = await analysis_view(api, sid)
    assert [lab["labelGroupId"] for lab in view["labels"]] == [keep["labelGroupId"]] * 2
    assert await series_points(api, sid, "brightness") == kept
    assert view["analyses"]["brightness"]["state"] == "DONE"
    # narrowing the kept request's keys drops its brightness points with the rerun
    await api.gql(
        "mutation($id: ID!, $d: JSON) { updateLabel(id: $id, data: $d) { id } }",
        id=keep["id"],
        d={"analysis_keys": ["screen_freezing"]},
    )
    await run_worker()
    view = await analysis_view(api, sid)
    assert "brightness" not in view["series"]
    assert await series_points(api, sid, "brightness") == []
    await api.gql("mutation($id: ID!) { deleteLabel(id: $id) }", id=keep["id"])
    view = await analysis_view(api, sid)
    assert view["labels"] == [] and view["series"] == {}
    assert set(view["analyses"]) == {"ingest", "chunks"}
    rows = await state.pool.fetchval(
        "SELECT count(*) FROM analysis_runs WHERE session_id = $1", sid
    )
    assert rows == 0


async def test_max_points_keeps_each_buckets_extremes(
    api: ApiClient, run_worker: Any, freeze_clip: Path
) -> None:
    sid = await ingest(api, run_worker, freeze_clip)
    await api.add_labels(sid, [content_request(4000, ["contrast"], parameters={"sample_hz": 25})])
    await run_worker()
    full = await series_points(api, sid, "contrast")
    assert len(full) == 100  # every frame at 25 Hz
    few = await series_points(api, sid, "contrast", n=10)
    assert len(few) <= 10
    values = [p["value"] for p in few]
    assert min(values) == min(p["value"] for p in full)
    assert max(values) == max(p["value"] for p in full)
    window = await series_points(api, sid, "contrast", a=1000.0, b=2000.0)
    assert [p["t"] for p in window] == [p["t"] for p in full if 1000 <= p["t"] <= 2000]
    assert (await api.gql(TIME_SERIES, s=sid, k="no_such_series"))["timeSeries"] is None
    err = await api.gql_error(TIME_SERIES, s=sid, k="contrast", n=1)
    assert err["extensions"]["code"] == "INVALID_MAX_POINTS"
    err = await api.gql_error(TIME_SERIES, s=sid, k="contrast", a=2000.0, b=1000.0)
    assert err["extensions"]["code"] == "INVALID_TIME_RANGE"


async def test_labels_added_before_ingest_run_once_it_finishes(
    api: ApiClient, run_worker: Any, freeze_clip: Path
) -> None:
    created = await api.create_session_from_file(freeze_clip)
    sid = created["id"]
    await api.add_labels(sid, [content_request(1000, ["brightness"])])
    await run_worker()
    view = await analysis_view(api, sid)
    assert view["analyses"]["brightness"]["state"] == "DONE"
    assert len(await series_points(api, sid, "brightness")) > 0
