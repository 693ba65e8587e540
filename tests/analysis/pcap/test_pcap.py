"""PCAP stats against the flows the test wrote: counts, directions, histograms, truncation."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from analysis.pcap.reader import NotACapture, TruncatedCapture, check_capture, read_packets
from analysis.pcap.series import BYTES_IN, BYTES_OUT, PACKETS, capture_origin, network_series
from analysis.pcap.stats import pcap_stats
from analysis.pcap.summary import INTERPACKET_BINS_MS, summarise, summarise_capture
from tests.analysis.pcap.captures import DEVICE, DNS, WEB, Sent, traffic, write_capture

PAIRS = {f"{DEVICE} {WEB}": (DEVICE, WEB), f"{DEVICE} {DNS}": (DEVICE, DNS)}


def _truth(sent: list[Sent]) -> dict[tuple[str, str, str], list[Sent]]:
    """Packets by (pair key, direction, protocol), computed from what was written."""
    flows: dict[tuple[str, str, str], list[Sent]] = defaultdict(list)
    for s in sent:
        for key, (a, b) in PAIRS.items():
            if {s.src, s.dst} == {a, b}:
                direction = "forward" if s.src == a else "backward"
                flows[(key, direction, s.protocol)].append(s)
    return flows


@pytest.fixture(scope="module", params=[False, True], ids=["pcap", "pcapng"])
def capture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    sent = traffic(seed=7)
    name = "flows.pcapng" if request.param else "flows.pcap"
    path = write_capture(tmp_path_factory.mktemp("pcap") / name, sent, pcapng=request.param)
    return path, sent, summarise_capture(path).to_json()


@pytest.mark.parametrize("units", ["frame", "bytes"])
def test_counts_by_protocol_are_exact(capture: tuple, units: str) -> None:
    _, sent, summary = capture
    got = pcap_stats(summary, protocol=None, units=units, index="protocol")
    want: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for (key, direction, protocol), packets in _truth(sent).items():
        value = len(packets) if units == "frame" else sum(p.size for p in packets)
        want.setdefault(key, {}).setdefault(direction, {})[protocol] = {"value": value}
    assert got == {"hosts": want}


@pytest.mark.parametrize("protocol", [None, "TCP", "UDP"])
def test_counts_by_direction_are_exact(capture: tuple, protocol: str | None) -> None:
    _, sent, summary = capture
    got = pcap_stats(summary, protocol=protocol, units="bytes", index="direction")
    want: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for (key, direction, proto), packets in _truth(sent).items():
        if protocol in (None, proto):
            slot = want.setdefault(key, {}).setdefault(direction, {})
            total = slot.setdefault(protocol or "ALL", {"value": 0})
            total["value"] += sum(p.size for p in packets)
    assert got == {"hosts": want}


@pytest.mark.parametrize("units", ["frame", "bytes"])
def test_interpacket_histogram_equals_numpy(capture: tuple, units: str) -> None:
    _, sent, summary = capture
    got = pcap_stats(summary, protocol="TCP", units=units, index="interpacket")
    edges = [*INTERPACKET_BINS_MS, np.inf]
    for (key, direction, protocol), packets in _truth(sent).items():
        if protocol != "TCP":
            assert protocol not in got["hosts"].get(key, {}).get(direction, {})
            continue
        gaps_ms = np.diff([p.ts for p in packets]) * 1000.0
        weights = None if units == "frame" else [p.size for p in packets[1:]]
        want, _ = np.histogram(gaps_ms, bins=edges, weights=weights)
        entry = got["hosts"][key][direction]["TCP"]
        assert entry["value"] == want.astype(int).tolist()
        assert entry["bins_ms"] == list(INTERPACKET_BINS_MS)
        assert sum(entry["value"]) == (len(packets) - 1 if units == "frame" else sum(weights))


def test_the_seeds_shape(tmp_path: Path) -> None:
    """Only UDP to and from DNS: the seed's example, key order and all."""
    sent = [Sent(float(i), DEVICE, DNS, "UDP", 80) for i in range(26)]
    sent += [Sent(30.0 + i, DNS, DEVICE, "UDP", 90) for i in range(19)]
    summary = summarise_capture(write_capture(tmp_path / "dns.pcap", sent)).to_json()
    pair = {"forward": {"UDP": {"value": 26}}, "backward": {"UDP": {"value": 19}}}
    assert pcap_stats(summary, protocol=None, units="frame", index="protocol") == {
        "hosts": {"10.199.0.77 8.8.8.8": pair}
    }
    assert pcap_stats(summary, protocol="TCP", units="frame", index="protocol") == {"hosts": {}}


@pytest.mark.parametrize("pcapng", [False, True], ids=["pcap", "pcapng"])
@pytest.mark.parametrize("cut", [1, 10, 30])
def test_a_truncated_capture_is_refused(tmp_path: Path, pcapng: bool, cut: int) -> None:
    """Cut inside the last packet (dpkt alone would return it short) or inside its header."""
    path = write_capture(tmp_path / "cut", traffic(seed=1, count=20), pcapng=pcapng)
    data = path.read_bytes()
    path.write_bytes(data[:-cut])
    with pytest.raises(TruncatedCapture, match="truncated"):
        check_capture(path)
    with pytest.raises(TruncatedCapture):
        list(read_packets(path))


def test_a_whole_capture_is_accepted(tmp_path: Path) -> None:
    path = write_capture(tmp_path / "whole.pcap", traffic(seed=1, count=20))
    assert check_capture(path) == 20


@pytest.mark.parametrize(
    "content", [b"", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"\x00" * 100, b"hello world, not a capture"]
)
def test_not_a_capture_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(content)
    with pytest.raises(NotACapture):
        check_capture(path)


def test_network_series_follow_the_traffic(tmp_path: Path) -> None:
    sent = [Sent(100.2, DEVICE, WEB, "TCP", 100), Sent(100.7, WEB, DEVICE, "TCP", 1000)]
    sent += [Sent(102.5, DEVICE, WEB, "TCP", 60)]
    summary = summarise(read_packets(write_capture(tmp_path / "s.pcap", sent)))
    series = {s.key: s for s in network_series(summary, origin_s=3.0)}
    assert series[BYTES_OUT].t_ms.tolist() == [3000.0, 4000.0, 5000.0]
    assert series[BYTES_OUT].values.tolist() == [100, 0, 60]
    assert series[BYTES_IN].values.tolist() == [1000, 0, 0]
    assert series[PACKETS].values.tolist() == [2, 0, 1]
    # a capture taken before the session: the seconds before the session are dropped
    assert network_series(summary, origin_s=-1.0)[0].t_ms.tolist() == [0.0, 1000.0]


def test_capture_origin() -> None:
    assert capture_origin(1005.0, 1000.0, 60.0) == 5.0  # during the session
    assert capture_origin(950.0, 1000.0, 60.0) == -50.0  # just before it
    assert capture_origin(50.0, 1000.0, 60.0) == 0.0  # another clock: starts with the session
