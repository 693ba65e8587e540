"""``pcapStats`` answers, read from a stored capture summary (analysis/pcap/summary.py).

The shape is HeadSpin-compatible: ``{"hosts": {"a b": {"forward"|"backward": {PROTOCOL:
{"value": ...}}}}}``. ``index`` picks the value: ``protocol`` — frames or bytes per protocol;
``direction`` — the total of each direction under one key, the protocol asked for or ``ALL``;
``interpacket`` — a list with one number per bin of ``interpacket_bins_ms`` (frames, or the
bytes of the packets that ended each gap), next to the bins. ``units`` is ``frame`` (count the
packets) or ``bytes`` (add up their lengths). ``protocol`` (TCP or UDP) keeps that protocol only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PROTOCOLS = ("TCP", "UDP")
UNITS = ("frame", "bytes")
INDEXES = ("protocol", "direction", "interpacket")


def pcap_stats(
    summary: Mapping[str, Any], *, protocol: str | None, units: str, index: str
) -> dict[str, Any]:
    """The seed's JSON for one question; the arguments are checked by the caller."""
    count = "frames" if units == "frame" else "bytes"
    hosts: dict[str, Any] = {}
    for pair, directions in summary.get("hosts", {}).items():
        out: dict[str, Any] = {}
        for direction in ("forward", "backward"):
            flows = {
                name: flow
                for name, flow in directions.get(direction, {}).items()
                if protocol is None or name == protocol
            }
            if not flows:
                continue
            if index == "protocol":
                out[direction] = {name: {"value": f[count]} for name, f in flows.items()}
            elif index == "direction":
                total = sum(f[count] for f in flows.values())
                out[direction] = {protocol or "ALL": {"value": total}}
            else:
                bins = summary.get("interpacket_bins_ms", [])
                out[direction] = {
                    name: {"value": f[f"interpacket_{count}"], "bins_ms": bins}
                    for name, f in flows.items()
                }
        if out:
            hosts[pair] = out
    return {"hosts": hosts}
