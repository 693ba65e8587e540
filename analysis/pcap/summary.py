"""A capture summed up once, so that every ``pcapStats`` question is answered from the summary.

Hosts are paired by IP address (ports ignored): the pair's key is ``"a b"`` where ``a`` sent
the pair's first packet; ``forward`` is a→b, ``backward`` b→a. Per pair, direction and
protocol the summary keeps frames, bytes (the length on the wire) and two inter-packet
histograms (frames and bytes) of the time between consecutive packets of that same pair,
direction and protocol, in the bins ``INTERPACKET_BINS_MS`` (bin i covers ``[edge i, edge
i+1)``, the last one is open-ended; the first packet of each has no gap and is not counted).
Per second of the capture's own clock it also keeps frames and bytes each way: the network
series.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.pcap.reader import Packet, read_packets

INTERPACKET_BINS_MS = (0.0, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0)
SERIES_STEP_S = 1.0


@dataclass
class Flow:
    """One pair, one direction, one protocol."""

    frames: int = 0
    bytes: int = 0
    gap_frames: list[int] = field(default_factory=lambda: [0] * len(INTERPACKET_BINS_MS))
    gap_bytes: list[int] = field(default_factory=lambda: [0] * len(INTERPACKET_BINS_MS))
    last_ts: float | None = None

    def add(self, packet: Packet) -> None:
        self.frames += 1
        self.bytes += packet.size
        if self.last_ts is not None:
            gap_ms = max(0.0, (packet.ts - self.last_ts) * 1000.0)
            i = bisect.bisect_right(INTERPACKET_BINS_MS, gap_ms) - 1
            self.gap_frames[i] += 1
            self.gap_bytes[i] += packet.size
        self.last_ts = packet.ts


@dataclass
class CaptureSummary:
    """Flows by pair key, direction and protocol; per-second traffic each way."""

    flows: dict[str, dict[str, dict[str, Flow]]] = field(default_factory=dict)
    first_ts: float | None = None
    last_ts: float | None = None
    packets: int = 0
    # second index (from the capture's first packet) → [frames out, bytes out, frames in, bytes in]
    per_second: dict[int, list[int]] = field(default_factory=dict)
    _pairs: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, packet: Packet) -> None:
        if self.first_ts is None:
            self.first_ts = packet.ts
        self.last_ts = packet.ts if self.last_ts is None else max(self.last_ts, packet.ts)
        self.packets += 1
        pair = (packet.src, packet.dst)
        key = self._pairs.get(pair)
        if key is None:
            key = f"{packet.src} {packet.dst}"
            self._pairs[pair] = key
            self._pairs[(packet.dst, packet.src)] = key
        direction = "forward" if key == f"{packet.src} {packet.dst}" else "backward"
        by_direction = self.flows.setdefault(key, {})
        flow = by_direction.setdefault(direction, {}).setdefault(packet.protocol, Flow())
        flow.add(packet)
        second = int((packet.ts - self.first_ts) // SERIES_STEP_S)
        counts = self.per_second.setdefault(second, [0, 0, 0, 0])
        offset = 0 if direction == "forward" else 2
        counts[offset] += 1
        counts[offset + 1] += packet.size

    def to_json(self) -> dict[str, Any]:
        """The stored form (the per-second traffic goes to the time-series store instead)."""
        return {
            "packets": self.packets,
            "first_ts": self.first_ts,
            "last_ts": self.last_ts,
            "interpacket_bins_ms": list(INTERPACKET_BINS_MS),
            "hosts": {
                key: {
                    direction: {
                        protocol: {
                            "frames": f.frames,
                            "bytes": f.bytes,
                            "interpacket_frames": f.gap_frames,
                            "interpacket_bytes": f.gap_bytes,
                        }
                        for protocol, f in sorted(protocols.items())
                    }
                    for direction, protocols in directions.items()
                }
                for key, directions in self.flows.items()
            },
        }


def summarise(packets: Iterable[Packet]) -> CaptureSummary:
    """One pass over the packets."""
    summary = CaptureSummary()
    for packet in packets:
        summary.add(packet)
    return summary


def summarise_capture(
    path: Path, progress: Callable[[float], None] | None = None
) -> CaptureSummary:
    """The summary of a capture file, streamed packet by packet (the process pool's call)."""
    return summarise(read_packets(path, progress))
