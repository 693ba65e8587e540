"""Labels and label groups over GraphQL, field for field as seed 000 shows them."""

from __future__ import annotations

from typing import Any

import pytest

from graph.state import AppState
from tests.support.client import LABEL_FIELDS, ApiClient

CREATE_URL_SESSION = (
    'mutation { createSession(input: {url: "http://127.0.0.1:9/x.mp4"}) { id tsStart } }'
)


@pytest.fixture
async def session(api: ApiClient) -> dict[str, Any]:
    """A session whose media never arrives: enough for labels, and no media work needed."""
    data = await api.gql(CREATE_URL_SESSION)
    return dict(data["createSession"])


async def test_seed_audio_activity_label_round_trips(api: ApiClient, session: dict) -> None:
    [label] = await api.add_labels(
        session["id"],
        [
            {
                "name": "use custom merge_ms threshold",
                "labelType": "audio-activity-request",
                "startTime": 0,
                "endTime": 1000,
                "data": {"thresholds": {"volume": 0.1, "merge_ms": 150}},
            }
        ],
    )
    assert label["labelType"] == "audio-activity-request"
    assert label["category"] == "audio activity request"
    assert label["name"] == "use custom merge_ms threshold"
    assert (label["startTime"], label["endTime"]) == (0, 1000)
    assert label["tsStart"] == pytest.approx(session["tsStart"])
    assert label["tsEnd"] == pytest.approx(session["tsStart"] + 1.0)
    assert label["data"] == {"thresholds": {"volume": 0.1, "merge_ms": 150}}
    assert label["pinned"] is False
    assert label["videoBox"] is None
    assert label["sessionId"] == session["id"]
    fetched = await api.gql(
        f"query($id: ID!) {{ label(id: $id) {{ {LABEL_FIELDS} }} }}", id=label["id"]
    )
    assert fetched["label"] == label
    group = await api.gql(
        f"query($id: ID!) {{ labelGroup(id: $id) {{ id sessionId labels {{ {LABEL_FIELDS} }} }} }}",
        id=label["labelGroupId"],
    )
    assert group["labelGroup"]["labels"] == [label]
    assert group["labelGroup"]["sessionId"] == session["id"]


async def _import_series(api: ApiClient, session_id: str, key: str) -> None:
    """A time-series request names a series the session has: import one."""
    await api.gql(
        "mutation($s: ID!, $k: String!) { addTimeSeries(sessionId: $s, key: $k, "
        "points: [{t: 0, value: 1}]) { key } }",
        s=session_id,
        k=key,
    )


async def test_seed_time_forms_categories_and_video_box(api: ApiClient, session: dict) -> None:
    await _import_series(api, session["id"], "frame_rate")
    labels = await api.add_labels(
        session["id"],
        [
            {
                "name": "video region A with video box",
                "labelType": "video-content",
                "startTime": "10.0",
                "endTime": "30.0",
                "videoBox": [[0, 85, 1000, 285]],
                "data": {"analysis_keys": ["colorfulness"]},
            },
            {
                "name": "unacceptable frame rate",
                "labelType": "time-series-request",
                "startTime": "10.5",
                "endTime": 24000,
                "data": {
                    "method": "range",
                    "time_series_key": "frame_rate",
                    "parameters": {"upper_limit": 20},
                },
            },
            {"labelType": "image-match-result", "startTime": 1, "endTime": 2},
            {"labelType": "ocr-result", "startTime": 5, "endTime": 5, "pinned": True},
        ],
    )
    video, series, match, ocr = labels
    assert (video["startTime"], video["endTime"]) == (10000, 30000)
    assert video["videoBox"] == [[0, 85, 1000, 285]]
    assert video["data"] == {"analysis_keys": ["colorfulness"]}
    assert video["category"] == "video content"
    assert series["startTime"] == 10500
    assert series["category"] == "frame_rate"
    assert series["tsEnd"] == pytest.approx(session["tsStart"] + 24.0)
    assert match["category"] is None and match["name"] is None
    assert ocr["category"] == "ocr result" and ocr["pinned"] is True
    assert len({lab["labelGroupId"] for lab in labels}) == 4, "each label starts its own group"


def _stats_data(*metrics: str) -> dict[str, Any]:
    parameters = {"metrics": list(metrics)}
    return {"method": "stats", "time_series_key": "imported_mos", "parameters": parameters}


async def test_labels_join_an_existing_group(api: ApiClient, session: dict) -> None:
    await _import_series(api, session["id"], "imported_mos")
    [first] = await api.add_labels(
        session["id"],
        [
            {
                "labelType": "time-series-request",
                "startTime": "24",
                "endTime": "42",
                "data": _stats_data("percentile 25", "percentile 50", "percentile 75"),
            }
        ],
    )
    more = await api.add_labels(
        session["id"],
        [
            {
                "labelType": "time-series-request",
                "startTime": "1",
                "endTime": "10",
                "labelGroupId": first["labelGroupId"],
                "data": _stats_data("percentile 90"),
            },
            {
                "labelType": "time-series-request",
                "startTime": "45",
                "endTime": "53",
                "labelGroupId": first["labelGroupId"],
                "data": _stats_data("mean", "percentile 50"),
            },
        ],
    )
    assert {lab["labelGroupId"] for lab in more} == {first["labelGroupId"]}
    group = await api.gql(
        "query($id: ID!) { labelGroup(id: $id) { labels { startTime } } }", id=first["labelGroupId"]
    )
    assert [lab["startTime"] for lab in group["labelGroup"]["labels"]] == [1000, 24000, 45000]


async def test_thousand_labels_in_one_graph_write(
    api: ApiClient, session: dict, state: AppState
) -> None:
    labels = [
        {"labelType": "user", "startTime": i, "endTime": i + 5, "name": f"l{i}"}
        for i in range(1000)
    ]
    before = state.graph.round_trips
    added = await api.add_labels(session["id"], labels)
    trips_1000 = state.graph.round_trips - before
    before = state.graph.round_trips
    await api.add_labels(session["id"], labels[:3])
    trips_3 = state.graph.round_trips - before
    assert len(added) == 1000
    # one read of the session, one write for the whole batch: independent of the batch size
    assert trips_1000 == trips_3 == 2
    count = await api.gql(
        "query($id: ID!) { session(id: $id) { labels { totalCount } } }", id=session["id"]
    )
    assert count["session"]["labels"]["totalCount"] == 1003


ADD = "mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id } }"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ({"labelType": "user", "startTime": 2000, "endTime": 1000}, "INVALID_TIME_RANGE"),
        ({"labelType": "user", "startTime": "abc", "endTime": 1000}, "INVALID_TIME"),
        ({"labelType": "user", "startTime": -5, "endTime": 1000}, "INVALID_TIME"),
        ({"labelType": "user", "startTime": True, "endTime": 1000}, "INVALID_TIME"),
        (
            {"labelType": "user", "startTime": 0, "endTime": 1, "videoBox": [[0, 1, 2]]},
            "INVALID_VIDEO_BOX",
        ),
        (
            {"labelType": "user", "startTime": 0, "endTime": 1, "videoBox": [[5, 5, 1, 1]]},
            "INVALID_VIDEO_BOX",
        ),
        ({"labelType": "Bad Type!", "startTime": 0, "endTime": 1}, "INVALID_LABEL_TYPE"),
        (
            {
                "labelType": "user",
                "startTime": 0,
                "endTime": 1,
                "labelGroupId": "00000000-0000-0000-0000-000000000000",
            },
            "LABEL_GROUP_NOT_FOUND",
        ),
    ],
)
async def test_invalid_labels_write_nothing(
    api: ApiClient, session: dict, label: dict, code: str
) -> None:
    good = {"labelType": "user", "startTime": 0, "endTime": 10}
    error = await api.gql_error(ADD, s=session["id"], l=[good, label])
    assert error["extensions"]["code"] == code
    total = await api.gql(
        "query($id: ID!) { session(id: $id) { labels { totalCount } } }", id=session["id"]
    )
    assert total["session"]["labels"]["totalCount"] == 0


async def test_group_of_another_session_and_unknown_session(api: ApiClient, session: dict) -> None:
    other = (await api.gql(CREATE_URL_SESSION))["createSession"]
    [theirs] = await api.add_labels(
        other["id"], [{"labelType": "user", "startTime": 0, "endTime": 1}]
    )
    error = await api.gql_error(
        ADD,
        s=session["id"],
        l=[
            {
                "labelType": "user",
                "startTime": 0,
                "endTime": 1,
                "labelGroupId": theirs["labelGroupId"],
            }
        ],
    )
    assert error["extensions"]["code"] == "LABEL_GROUP_OTHER_SESSION"
    error = await api.gql_error(
        ADD, s="0" * 32, l=[{"labelType": "user", "startTime": 0, "endTime": 1}]
    )
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"


async def test_update_and_delete_label(api: ApiClient, session: dict) -> None:
    a, b = await api.add_labels(
        session["id"],
        [
            {"labelType": "user", "name": "a", "startTime": 0, "endTime": 1000},
            {"labelType": "user", "name": "b", "startTime": 0, "endTime": 1000},
        ],
    )
    updated = await api.gql(
        f'mutation($id: ID!) {{ updateLabel(id: $id, name: "renamed", endTime: "2.5", '
        f"pinned: true, videoBox: [[1, 2, 3, 4]]) {{ {LABEL_FIELDS} }} }}",
        id=a["id"],
    )
    label = updated["updateLabel"]
    assert (label["name"], label["endTime"], label["pinned"]) == ("renamed", 2500, True)
    assert label["tsEnd"] == pytest.approx(session["tsStart"] + 2.5)
    assert label["videoBox"] == [[1, 2, 3, 4]]
    assert label["startTime"] == 0 and label["labelGroupId"] == a["labelGroupId"]
    error = await api.gql_error(
        "mutation($id: ID!) { updateLabel(id: $id, startTime: 9000) { id } }", id=a["id"]
    )
    assert error["extensions"]["code"] == "INVALID_TIME_RANGE"
    deleted = await api.gql("mutation($id: ID!) { deleteLabel(id: $id) }", id=b["id"])
    assert deleted["deleteLabel"] is True
    assert (await api.gql("query($id: ID!) { label(id: $id) { id } }", id=b["id"]))["label"] is None
    error = await api.gql_error("mutation($id: ID!) { deleteLabel(id: $id) }", id=b["id"])
    assert error["extensions"]["code"] == "LABEL_NOT_FOUND"
    # the last label of a group takes the group with it
    await api.gql("mutation($id: ID!) { deleteLabel(id: $id) }", id=a["id"])
    group = await api.gql("query($id: ID!) { labelGroup(id: $id) { id } }", id=a["labelGroupId"])
    assert group["labelGroup"] is None


async def test_label_pages_and_type_filter(api: ApiClient, session: dict) -> None:
    await api.add_labels(
        session["id"],
        [
            {
                "labelType": "user" if i % 2 else "ocr-result",
                "startTime": i * 10,
                "endTime": i * 10,
            }
            for i in range(7)
        ],
    )
    query = """query($id: ID!, $after: String, $t: String) { session(id: $id) {
      labels(first: 3, after: $after, labelType: $t) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { startTime } } } } }"""
    seen: list[float] = []
    after = None
    while True:
        page = (await api.gql(query, id=session["id"], after=after))["session"]["labels"]
        assert page["totalCount"] == 7
        seen += [e["node"]["startTime"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [0, 10, 20, 30, 40, 50, 60]
    users = (await api.gql(query, id=session["id"], t="user"))["session"]["labels"]
    assert users["totalCount"] == 3
    error = await api.gql_error(query, id=session["id"], after="garbage")
    assert error["extensions"]["code"] == "INVALID_CURSOR"
