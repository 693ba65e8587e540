"""Packets of a pcap or pcapng file, streamed, with truncation detected.

dpkt reads a capture record by record, but at the end of a cut file it returns the short
remainder of the last packet as if it were whole. Every read dpkt makes goes through
``_CheckedFile``: a read that returns some bytes but fewer than asked means the file ends
inside a record, which is a truncated capture. A read of nothing at a record boundary is the
normal end.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import dpkt

from analysis.errors import MediaError

PROGRESS_RECORDS = 20_000
_RAW_LINKTYPES = {12, 14, 101}  # DLT_RAW as the platforms number it
_SLL = 113
_NULL_LINKTYPES = {0, 108}
_PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
_PCAP_MAGICS = {  # micro- and nanosecond pcap, either byte order
    bytes.fromhex(m) for m in ("a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1")
}
# The link header in front of the IP packet, by link type: what a frame cut short by the
# capture's snap length adds to the IP packet's own length (VLAN tags are not counted).
_LINK_HEADER = {1: 14, _SLL: 16, 0: 4, 108: 4, 12: 0, 14: 0, 101: 0}
_PROTOCOLS = {6: "TCP", 17: "UDP", 1: "ICMP", 58: "ICMP6", 2: "IGMP", 47: "GRE", 50: "ESP"}


class CaptureError(MediaError):
    """The file is not a readable capture."""


class NotACapture(CaptureError):
    """Neither pcap nor pcapng."""


class TruncatedCapture(CaptureError):
    """The capture ends inside a record."""


class _CheckedFile(io.RawIOBase):
    """A read-only file that raises TruncatedCapture on a short read inside a record."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.offset = 0
        self.name = "capture"

    def read(self, size: int | None = -1) -> bytes:
        data = self.raw.read(-1 if size is None else size)
        self.offset += len(data)
        if size is not None and size > 0 and 0 < len(data) < size:
            raise TruncatedCapture(
                f"the capture is truncated: it ends inside a record at byte {self.offset}"
            )
        return data

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.offset = self.raw.seek(offset, whence)
        return self.offset

    def tell(self) -> int:
        return self.offset


class Packet(NamedTuple):
    """One IP packet: capture time (s since the epoch), length on the wire, hosts, protocol."""

    ts: float
    size: int
    src: str
    dst: str
    protocol: str


def _reader(checked: _CheckedFile) -> Any:
    magic = checked.raw.read(4)
    checked.raw.seek(0)
    if magic not in _PCAP_MAGICS and magic != _PCAPNG_MAGIC:
        raise NotACapture("the file is not a pcap or pcapng capture")
    try:
        if magic == _PCAPNG_MAGIC:
            return dpkt.pcapng.Reader(checked)
        return dpkt.pcap.Reader(checked)
    except dpkt.NeedData as exc:
        raise TruncatedCapture("the capture is truncated: it ends inside its header") from exc
    except (ValueError, dpkt.UnpackError) as exc:
        raise NotACapture("the file is not a pcap or pcapng capture") from exc


def _network_layer(linktype: int, frame: bytes) -> Any:
    """The IP or IPv6 packet of a frame, None for anything else (ARP, truncated headers)."""
    try:
        if linktype == dpkt.pcap.DLT_EN10MB:
            payload = dpkt.ethernet.Ethernet(frame).data
        elif linktype == _SLL:
            payload = dpkt.sll.SLL(frame).data
        elif linktype in _NULL_LINKTYPES:
            payload = dpkt.loopback.Loopback(frame).data
        elif linktype in _RAW_LINKTYPES:
            version = frame[0] >> 4 if frame else 0
            payload = dpkt.ip.IP(frame) if version == 4 else dpkt.ip6.IP6(frame)
        else:
            return None
    except (dpkt.UnpackError, IndexError, ValueError):
        return None
    return payload if isinstance(payload, dpkt.ip.IP | dpkt.ip6.IP6) else None


@lru_cache(maxsize=65536)
def _address(family: int, packed: bytes) -> str:
    """An address as text (a capture repeats a few hosts many times)."""
    return socket.inet_ntop(family, packed)


def _describe(linktype: int, ts: float, frame: bytes, ip: Any) -> Packet:
    if isinstance(ip, dpkt.ip.IP):
        family, number, ip_len = socket.AF_INET, ip.p, ip.len
    else:
        family, number, ip_len = socket.AF_INET6, ip.nxt, ip.plen + 40
    src, dst = _address(family, ip.src), _address(family, ip.dst)
    protocol = _PROTOCOLS.get(number, f"IP-{number}")
    # the frame as captured, or longer when the capture cut it at its snap length: the IP
    # header says how long the packet was on the wire
    size = max(len(frame), _LINK_HEADER.get(linktype, 0) + ip_len)
    return Packet(ts, size, src, dst, protocol)


def read_packets(path: Path, progress: Callable[[float], None] | None = None) -> Iterator[Packet]:
    """Every IP packet of the capture, in file order; NotACapture or TruncatedCapture.

    ``progress`` gets the share of the file read, every ``PROGRESS_RECORDS`` records.
    """
    size = max(1, path.stat().st_size)
    with path.open("rb") as raw:
        checked = _CheckedFile(raw)
        reader = _reader(checked)
        linktype = reader.datalink()
        records = 0
        try:
            for ts, frame in reader:
                records += 1
                if progress is not None and records % PROGRESS_RECORDS == 0:
                    progress(checked.offset / size)
                ip = _network_layer(linktype, frame)
                if ip is not None:
                    yield _describe(linktype, float(ts), frame, ip)
        except dpkt.NeedData as exc:
            raise TruncatedCapture("the capture is truncated: it ends inside a record") from exc
        except (dpkt.UnpackError, ValueError) as exc:
            raise CaptureError(f"the capture is malformed: {exc}") from exc


def check_capture(path: Path) -> int:
    """Walk every record of the capture without decoding packets; returns how many there are."""
    with path.open("rb") as raw:
        checked = _CheckedFile(raw)
        reader = _reader(checked)
        count = 0
        try:
            for _ in reader:
                count += 1
        except dpkt.NeedData as exc:
            raise TruncatedCapture("the capture is truncated: it ends inside a record") from exc
        except (dpkt.UnpackError, ValueError) as exc:
            raise CaptureError(f"the capture is malformed: {exc}") from exc
        return count
