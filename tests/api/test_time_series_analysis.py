"""Time-series analysis end to end: an imported series, range and stats requests through
GraphQL and the real worker, the typed errors that leave nothing behind, org isolation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.analysis.pcap.captures import traffic, write_capture
from tests.support.client import ApiClient

ADD_SERIES = """
mutation($s: ID!, $k: String!, $p: [TimeSeriesPointInput!]!, $n: String, $u: String) {
  addTimeSeries(sessionId: $s, key: $k, points: $p, name: $n, units: $u) {
    key name category units
  }
}
"""
ADD = """
mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id labelGroupId } }
"""
GROUP = """
query($id: ID!) { labelGroup(id: $id) { labels {
  labelType name category startTime endTime data
} } }
"""
STATS = """
query($s: ID!, $g: ID) { timeSeriesStats(sessionId: $s, labelGroupId: $g) {
  sessionId labelGroupId timeSeriesKey metric value
} }
"""
BY_FILE = """
mutation($s: ID!, $u: ID) { addTimeSeries(sessionId: $s, key: "cpu", points: [], uploadId: $u) {
  key
} }
"""
CPU_POINTS = 'query($s: ID!) { timeSeries(sessionId: $s, key: "cpu") { points { t } } }'
ATTACH = "mutation($s: ID!, $u: ID!) { attachPcap(sessionId: $s, uploadId: $u) { id } }"
COUNT = "query($id: ID!) { session(id: $id) { labels { totalCount } } }"
# One sample a second for 30 s: 15 fps until 15 s, 30 until 20 s, then 10.
T_MS = np.arange(0, 30_000, 1000.0)
FPS = np.where(T_MS < 15_000, 15.0, np.where(T_MS < 20_000, 30.0, 10.0))


def _request(method: str, start: str, end: str, parameters: dict[str, Any], **extra: Any) -> dict:
    data = {"method": method, "time_series_key": "frame_rate", "parameters": parameters}
    return {
        "labelType": "time-series-request",
        "name": "unacceptable frame rate" if method == "range" else "video playing",
        "startTime": start,
        "endTime": end,
        "data": data,
        **extra,
    }


async def _import(api: ApiClient, session_id: str, key: str, values: np.ndarray) -> dict:
    points = [{"t": float(t), "value": float(v)} for t, v in zip(T_MS, values, strict=True)]
    data = await api.gql(ADD_SERIES, s=session_id, k=key, p=points, n=key.title(), u="fps")
    return dict(data["addTimeSeries"])


async def _stats(api: ApiClient, session_id: str, group_id: str) -> dict[str, float]:
    rows = (await api.gql(STATS, s=session_id, g=group_id))["timeSeriesStats"]
    assert {(r["sessionId"], r["labelGroupId"], r["timeSeriesKey"]) for r in rows} == {
        (session_id, group_id, "frame_rate")
    }
    return {r["metric"]: r["value"] for r in rows}


async def test_import_range_and_group_stats(
    api: ApiClient,
    other_api: ApiClient,
    ready_session: dict[str, Any],
    run_worker: Any,
    tmp_path: Path,
) -> None:
    sid = ready_session["id"]
    info = await _import(api, sid, "frame_rate", FPS)
    assert info == {
        "key": "frame_rate",
        "name": "Frame_Rate",
        "category": "imported",
        "units": "fps",
    }
    listed = await api.gql(
        "query($id: ID!) { session(id: $id) { timeSeriesInfo { key } } }", id=sid
    )
    assert "frame_rate" in {i["key"] for i in listed["session"]["timeSeriesInfo"]}

    # the seed's range request (times as strings of seconds) and its step 1 stats request
    quartiles = {"metrics": ["percentile 25", "percentile 50", "percentile 75"]}
    ranged, first, held = (await api.gql(ADD, s=sid, l=[
        _request("range", "10.0", "24.0", {"upper_limit": 20}),
        _request("stats", "24.0", "42.0", quartiles),
        # starts between samples: the sample at 10 s is in force at 10.5 s
        _request("range", "10.5", "29.5", {"lower_limit": 12, "include_lower_limit": False}),
    ]))["addLabels"]  # fmt: skip
    group = first["labelGroupId"]
    _, third = (await api.gql(ADD, s=sid, l=[
        _request("stats", "1.0", "10.0", {"metrics": ["percentile 90"]}, labelGroupId=group),
        _request("stats", "4.5", "8.0", {"metrics": ["mean", "percentile 50"]}, labelGroupId=group),
    ]))["addLabels"]  # fmt: skip
    await run_worker()

    labels = (await api.gql(GROUP, id=ranged["labelGroupId"]))["labelGroup"]["labels"]
    results = [lab for lab in labels if lab["labelType"] == "time-series-result"]
    assert [(r["startTime"], r["endTime"]) for r in results] == [(10000, 15000), (20000, 24000)]
    assert {r["category"] for r in results} == {"frame_rate"}
    assert {r["name"] for r in results} == {"unacceptable frame rate"}
    request = next(lab for lab in labels if lab["labelType"] == "time-series-request")
    assert all(r["data"] == request["data"] for r in results)
    labels = (await api.gql(GROUP, id=held["labelGroupId"]))["labelGroup"]["labels"]
    spans = [
        (r["startTime"], r["endTime"]) for r in labels if r["labelType"] != request["labelType"]
    ]
    assert spans == [(10500, 20000)]

    # the union of the metrics over the union of [1, 10) s and [24, 42) s ([4.5, 8) lies inside)
    chosen = FPS[((T_MS >= 1000) & (T_MS < 10_000)) | (T_MS >= 24_000)]
    want = {"mean": np.mean(chosen)} | {
        f"percentile {q}": np.percentile(chosen, q) for q in (25.0, 50.0, 75.0, 90.0)
    }
    got = await _stats(api, sid, group)
    assert list(got) == list(want)
    assert got == pytest.approx(want)

    # another org sees neither the stats nor the session
    error = await other_api.gql_error(STATS, s=sid, g=group)
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"
    error = await other_api.gql_error(ADD_SERIES, s=sid, k="cpu", p=[{"t": 0, "value": 1}])
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"

    # re-importing replaces the series; a rerun of the group computes it again
    await _import(api, sid, "frame_rate", FPS * 2)
    rerun = "mutation($id: ID!) { rerunLabel(id: $id) { id } }"
    await api.gql(rerun, id=first["id"])
    await run_worker()
    assert (await _stats(api, sid, group))["mean"] == pytest.approx(2 * want["mean"])

    # deleting a member computes the group again without it: its "mean" goes
    await api.gql("mutation($id: ID!) { deleteLabel(id: $id) }", id=third["id"])
    await run_worker()
    assert list(await _stats(api, sid, group)) == list(want)[1:]

    # a capture's traffic is a series like any other: range over network_packets
    sent = traffic(seed=5, count=60)
    upload = await api.upload(write_capture(tmp_path / "net.pcap", sent))
    await api.gql(ATTACH, s=sid, u=upload)
    await run_worker()
    busy = _request("range", "0", "60.0", {"lower_limit": 1})
    busy["data"]["time_series_key"] = "network_packets"
    [net] = (await api.gql(ADD, s=sid, l=[busy]))["addLabels"]
    await run_worker()
    labels = (await api.gql(GROUP, id=net["labelGroupId"]))["labelGroup"]["labels"]
    got_spans = [
        (r["startTime"], r["endTime"])
        for r in labels
        if r["category"] == "network_packets" and r["labelType"] == "time-series-result"
    ]
    seconds = sorted({int(x.ts - sent[0].ts) for x in sent})
    want_spans: list[tuple[int, int]] = []
    for sec in seconds:
        if sec >= 60:
            break
        if want_spans and want_spans[-1][1] == sec * 1000:
            want_spans[-1] = (want_spans[-1][0], min(60_000, (sec + 1) * 1000))
        else:
            want_spans.append((sec * 1000, min(60_000, (sec + 1) * 1000)))
    assert got_spans == want_spans


NOPE = {"method": "range", "time_series_key": "nope", "parameters": {"upper_limit": 1}}
BAD_REQUESTS = [
    (_request("range", "0", "5", {"upper_limit": 20}) | {"data": NOPE}, "TIME_SERIES_NOT_FOUND"),
    (_request("trend", "0", "5", {}), "UNKNOWN_TIME_SERIES_METHOD"),
    (_request("stats", "0", "5", {"metrics": ["average"]}), "INVALID_METRIC"),
    (_request("range", "0", "5", {}), "NO_LIMIT"),
    (_request("range", "0", "5", {"lower_limit": 30, "upper_limit": 20}), "LIMITS_REVERSED"),
]
CREATE_URL_SESSION = 'mutation { createSession(input: {url: "http://127.0.0.1:9/x.mp4"}) { id } }'


@pytest.fixture
async def session_id(api: ApiClient) -> str:
    """A session whose media never arrives: requests are checked when added, before ingest."""
    return str((await api.gql(CREATE_URL_SESSION))["createSession"]["id"])


async def test_bad_requests_write_nothing(api: ApiClient, session_id: str) -> None:
    await _import(api, session_id, "frame_rate", FPS)
    good = {"labelType": "user", "startTime": 0, "endTime": 10}
    for label, code in BAD_REQUESTS:
        error = await api.gql_error(ADD, s=session_id, l=[good, label])
        assert error["extensions"]["code"] == code, code
        assert label["data"]["method"] in error["message"] or code not in (
            "UNKNOWN_TIME_SERIES_METHOD",
        )
    assert (await api.gql(COUNT, id=session_id))["session"]["labels"]["totalCount"] == 0


async def test_mixed_keys_and_bad_imports_are_refused(
    api: ApiClient, session_id: str, tmp_path: Path
) -> None:
    sid = session_id
    await _import(api, sid, "frame_rate", FPS)
    await _import(api, sid, "cpu", FPS / 30)
    first = await api.gql(ADD, s=sid, l=[_request("stats", "0", "5", {"metrics": ["max"]})])
    group = first["addLabels"][0]["labelGroupId"]
    other_key = _request("stats", "5", "9", {"metrics": ["min"]}, labelGroupId=group)
    other_key["data"]["time_series_key"] = "cpu"
    error = await api.gql_error(ADD, s=sid, l=[other_key])
    assert error["extensions"]["code"] == "MIXED_TIME_SERIES_KEYS"
    assert "cpu" in error["message"] and "frame_rate" in error["message"]
    assert (await api.gql(COUNT, id=sid))["session"]["labels"]["totalCount"] == 1

    bad = [
        ("brightness", [{"t": 0, "value": 1}], "TIME_SERIES_KEY_TAKEN"),
        ("Frame Rate", [{"t": 0, "value": 1}], "INVALID_TIME_SERIES_KEY"),
        ("dup", [{"t": 5, "value": 1}, {"t": 5, "value": 2}], "INVALID_POINTS"),
        ("neg", [{"t": -1, "value": 1}], "INVALID_POINTS"),
        ("empty", [], "INVALID_POINTS"),
    ]
    for key, points, code in bad:
        error = await api.gql_error(ADD_SERIES, s=sid, k=key, p=points)
        assert error["extensions"]["code"] == code, key
    # a large import comes as a CSV upload; the upload is consumed
    csv = tmp_path / "cpu.csv"
    csv.write_text("t,value\n" + "".join(f"{i * 100},{i % 5}\n" for i in range(20_000)))
    upload = await api.upload(csv)
    await api.gql(BY_FILE, s=sid, u=upload)
    points = await api.gql(CPU_POINTS, s=sid)
    assert len(points["timeSeries"]["points"]) == 20_000
    error = await api.gql_error(BY_FILE, s=sid, u=upload)
    assert error["extensions"]["code"] == "UPLOAD_IN_USE"
    csv.write_text("0,1\n5,oops\n")
    error = await api.gql_error(BY_FILE, s=sid, u=await api.upload(csv))
    assert error["extensions"]["code"] == "INVALID_POINTS" and "oops" in error["message"]
    listed = await api.gql(
        "query($id: ID!) { session(id: $id) { timeSeriesInfo { key } } }", id=sid
    )
    assert {i["key"] for i in listed["session"]["timeSeriesInfo"]} & {
        "dup",
        "neg",
        "empty",
    } == set()
