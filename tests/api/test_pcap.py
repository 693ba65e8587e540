"""PCAP end to end: upload, attachPcap, the job, pcapStats in the seed's shape, the network
series, the typed errors and org isolation."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.pcap.summary import INTERPACKET_BINS_MS
from tests.analysis.pcap.captures import DEVICE, WEB, traffic, write_capture
from tests.support.client import ApiClient

ATTACH = "mutation($s: ID!, $u: ID!) { attachPcap(sessionId: $s, uploadId: $u) { id } }"
STATS = """
query($s: ID!, $p: String, $u: String, $i: String, $t: Float) {
  pcapStats(sessionId: $s, protocol: $p, units: $u, index: $i, timeout: $t)
}
"""
CREATE_URL_SESSION = 'mutation { createSession(input: {url: "http://127.0.0.1:9/x.mp4"}) { id } }'


async def _session(api: ApiClient) -> str:
    return str((await api.gql(CREATE_URL_SESSION))["createSession"]["id"])


async def test_attach_and_stats(
    api: ApiClient, other_api: ApiClient, run_worker: object, tmp_path: Path
) -> None:
    sid = await _session(api)
    error = await api.gql_error(STATS, s=sid, t=0)
    assert error["extensions"]["code"] == "NO_PCAP"
    sent = traffic(seed=3, count=200)
    upload = await api.upload(write_capture(tmp_path / "flows.pcapng", sent, pcapng=True))
    assert (await api.gql(ATTACH, s=sid, u=upload))["attachPcap"]["id"] == sid
    pending = (await api.gql(STATS, s=sid, t=0))["pcapStats"]
    assert pending["status"] == "timeout" and pending["session_id"] == sid
    await run_worker()  # type: ignore[operator]

    counts = (await api.gql(STATS, s=sid))["pcapStats"]["hosts"]
    web = [s for s in sent if WEB in (s.src, s.dst)]
    assert counts[f"{DEVICE} {WEB}"] == {
        "forward": {"TCP": {"value": sum(s.src == DEVICE for s in web)}},
        "backward": {"TCP": {"value": sum(s.src == WEB for s in web)}},
    }
    by_direction = (await api.gql(STATS, s=sid, u="bytes", i="direction", p="udp"))["pcapStats"]
    opener = next(s for s in sent if s.protocol == "UDP")  # its sender is the pair's "a"
    pair = f"{opener.src} {opener.dst}"
    assert list(by_direction["hosts"]) == [pair]
    forward_bytes = sum(s.size for s in sent if s.protocol == "UDP" and s.src == opener.src)
    assert by_direction["hosts"][pair]["forward"] == {"UDP": {"value": forward_bytes}}
    gaps = (await api.gql(STATS, s=sid, p="TCP", i="interpacket"))["pcapStats"]
    forward = [s.ts for s in web if s.src == DEVICE]
    want, _ = np.histogram(np.diff(forward) * 1000, bins=[*INTERPACKET_BINS_MS, np.inf])
    assert gaps["hosts"][f"{DEVICE} {WEB}"]["forward"]["TCP"]["value"] == want.tolist()

    # the traffic is on the session's timeline as series
    series = await api.gql(
        'query($s: ID!) { timeSeries(sessionId: $s, key: "network_packets") { points { value } } }',
        s=sid,
    )
    assert sum(p["value"] for p in series["timeSeries"]["points"]) == len(sent)

    # another org: no session, and not the upload either
    error = await other_api.gql_error(STATS, s=sid, t=0)
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"
    error = await other_api.gql_error(ATTACH, s=await _session(other_api), u=upload)
    assert error["extensions"]["code"] == "UPLOAD_NOT_FOUND"


async def test_bad_captures_are_refused(api: ApiClient, tmp_path: Path) -> None:
    sid = await _session(api)
    whole = write_capture(tmp_path / "cut.pcap", traffic(seed=4, count=30)).read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[:-7])
    not_pcap = tmp_path / "notes.txt"
    not_pcap.write_text("hello, this is no capture\n" * 10)
    for path, code in ((cut, "TRUNCATED_CAPTURE"), (not_pcap, "NOT_A_CAPTURE")):
        upload = await api.upload(path)
        error = await api.gql_error(ATTACH, s=sid, u=upload)
        assert error["extensions"]["code"] == code
    error = await api.gql_error(STATS, s=sid, t=0)
    assert error["extensions"]["code"] == "NO_PCAP"  # nothing was attached
    error = await api.gql_error(STATS, s=sid, i="ports", t=0)
    assert error["extensions"]["code"] == "INVALID_PARAMETER"
