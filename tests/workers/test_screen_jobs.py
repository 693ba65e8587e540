"""screen-analysis-request and page-load-request labels end to end, with a real arq worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.analyses import analysis_view, ingest, series_points
from tests.support.client import ApiClient
from tests.support.screens import (
    FRAME_MS,
    REQUEST_FRAME,
    SPIN_FIRST,
    SPIN_LAST,
    encode_gray,
    loading_frames,
    spinner_frames,
)

LAST_BLOCK = 38  # the loading page's last block lands on this frame


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screens")


async def test_screen_request_writes_series_and_a_loading_animation(
    api: ApiClient, run_worker: Any, screens: Path
) -> None:
    clip = encode_gray(spinner_frames(30.0), screens / "spinner.mp4")
    sid = await ingest(api, run_worker, clip)
    [request] = await api.add_labels(
        sid, [{"labelType": "screen-analysis-request", "startTime": 0, "endTime": 6000}]
    )
    await run_worker()
    view = await analysis_view(api, sid)
    assert set(view["series"]) == {"screen_change", "page_content"}
    assert view["series"]["screen_change"]["units"] == "%"
    for key in (
        "screen-change",
        "page-content",
        "low-page-content-issue",
        "loading-animation-issue",
    ):
        assert view["analyses"][key]["state"] == "DONE", view["analyses"]
    assert len(await series_points(api, sid, "screen_change")) == 150  # one point per frame
    [spinner] = [lab for lab in view["labels"] if lab["labelType"] == "loading-animation-issue"]
    assert spinner["labelGroupId"] == request["labelGroupId"]
    assert abs(spinner["data"]["start_frame"] - SPIN_FIRST) <= 1
    assert abs(spinner["data"]["end_frame"] - (SPIN_LAST + 1)) <= 2
    x0, y0, x1, y1 = spinner["data"]["region"]
    assert 100 <= x0 < x1 <= 140 and 145 <= y0 < y1 <= 185  # around the spinner at (120, 165)
    assert spinner["data"]["period_ms"] == pytest.approx(12 * FRAME_MS, rel=0.1)
    # the page is full of text all along: no low-content issue
    assert not [lab for lab in view["labels"] if lab["labelType"] == "low-page-content-issue"]


async def test_page_load_request_gets_its_visual_load_time(
    api: ApiClient, run_worker: Any, screens: Path
) -> None:
    clip = encode_gray(loading_frames([14, 19, 25, 31, LAST_BLOCK]), screens / "loads.mp4")
    sid = await ingest(api, run_worker, clip)
    start_ms = REQUEST_FRAME * FRAME_MS
    [request] = await api.add_labels(
        sid, [{"labelType": "page-load-request", "startTime": start_ms, "endTime": 4000}]
    )
    await run_worker()
    view = await analysis_view(api, sid)
    [result] = [lab for lab in view["labels"] if lab["labelType"] == "page-load-result"]
    assert result["labelGroupId"] == request["labelGroupId"]
    expected_ms = (LAST_BLOCK - REQUEST_FRAME) * FRAME_MS
    assert result["data"]["page_load_time_ms"] == pytest.approx(expected_ms, abs=FRAME_MS)
    assert result["data"]["settled"] is True
    assert result["startTime"] == start_ms
    assert result["endTime"] == pytest.approx(LAST_BLOCK * FRAME_MS, abs=FRAME_MS)
    assert view["analyses"]["page-load"]["state"] == "DONE"
    assert view["analyses"]["page-load"]["message"].startswith("Visual load time")


async def test_unknown_screen_key_is_refused(
    api: ApiClient, run_worker: Any, screens: Path
) -> None:
    clip = encode_gray(spinner_frames(30.0), screens / "spinner2.mp4")
    sid = await ingest(api, run_worker, clip)
    request = {"labelType": "screen-analysis-request", "startTime": 0, "endTime": 1000}
    err = await api.gql_error(
        "mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id } }",
        s=sid,
        l=[{**request, "data": {"analysis_keys": ["page_content", "page_colour"]}}],
    )
    assert err["extensions"]["code"] == "UNKNOWN_ANALYSIS_KEY"
    assert "'page_colour'" in err["message"]
