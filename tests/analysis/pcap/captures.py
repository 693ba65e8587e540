"""Captures written by the tests with dpkt: known flows, with the truth kept beside them."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

import dpkt
import numpy as np

DEVICE, DNS, WEB = "10.199.0.77", "8.8.8.8", "93.184.216.34"


@dataclass(frozen=True)
class Sent:
    """One packet as written: when, between whom, which protocol, its frame length."""

    ts: float
    src: str
    dst: str
    protocol: str
    size: int


def frame(src: str, dst: str, protocol: str, payload: bytes) -> bytes:
    """An Ethernet frame of an IPv4 TCP or UDP packet."""
    if protocol == "TCP":
        l4: dpkt.Packet = dpkt.tcp.TCP(sport=40000, dport=443, data=payload)
        number = dpkt.ip.IP_PROTO_TCP
    else:
        l4 = dpkt.udp.UDP(sport=50000, dport=53, data=payload)
        l4.ulen = len(bytes(l4))
        number = dpkt.ip.IP_PROTO_UDP
    ip = dpkt.ip.IP(src=socket.inet_aton(src), dst=socket.inet_aton(dst), p=number, data=l4, ttl=64)
    ip.len = len(bytes(ip))
    eth = dpkt.ethernet.Ethernet(
        src=b"\x02\x00\x00\x00\x00\x01",
        dst=b"\x02\x00\x00\x00\x00\x02",
        type=dpkt.ethernet.ETH_TYPE_IP,
        data=ip,
    )
    return bytes(eth)


def traffic(seed: int = 0, count: int = 300, start_s: float = 1_700_000_000.0) -> list[Sent]:
    """TCP with the web host and UDP with DNS, both ways, at random gaps from µs to seconds."""
    rng = np.random.default_rng(seed)
    flows = [
        (DEVICE, WEB, "TCP"),
        (WEB, DEVICE, "TCP"),
        (DEVICE, DNS, "UDP"),
        (DNS, DEVICE, "UDP"),
    ]
    gaps = 10.0 ** rng.uniform(-5, 1, size=count)  # 10 µs to 10 s
    times = start_s + np.cumsum(gaps)
    sent = []
    for i, ts in enumerate(times):
        src, dst, protocol = flows[0 if i == 0 else int(rng.integers(len(flows)))]
        payload = bytes(int(rng.integers(0, 1200)))
        size = len(frame(src, dst, protocol, payload))
        sent.append(Sent(round(float(ts), 6), src, dst, protocol, size))
    return sent


def write_capture(path: Path, sent: list[Sent], *, pcapng: bool = False) -> Path:
    """``sent`` as a pcap (or pcapng) file of Ethernet frames."""
    with path.open("wb") as out:
        writer = dpkt.pcapng.Writer(out) if pcapng else dpkt.pcap.Writer(out)
        for s in sent:
            # the payload's bytes are zeros, so the frame is rebuilt from the size alone
            base = len(frame(s.src, s.dst, s.protocol, b""))
            writer.writepkt(frame(s.src, s.dst, s.protocol, bytes(s.size - base)), ts=s.ts)
    return path
