"""A capture's traffic as time series on the session's clock: bytes each way and packets.

``out`` is ``forward`` traffic (from the host that opened each host pair, usually the device),
``in`` is ``backward``; one point per second of capture, at the start of that second, 0 where
no packet passed. The capture's clock meets the session's at ``origin_s`` (see
``capture_origin``).
"""

from __future__ import annotations

import numpy as np

from analysis.pcap.summary import SERIES_STEP_S, CaptureSummary
from analysis.series import Series, SeriesInfo

BYTES_IN, BYTES_OUT, PACKETS = "network_bytes_in", "network_bytes_out", "network_packets"
NETWORK_SERIES: dict[str, SeriesInfo] = {
    BYTES_IN: SeriesInfo(BYTES_IN, "Network bytes in", "Network", "bytes/s"),
    BYTES_OUT: SeriesInfo(BYTES_OUT, "Network bytes out", "Network", "bytes/s"),
    PACKETS: SeriesInfo(PACKETS, "Network packets", "Network", "packets/s"),
}
# A capture whose first packet lies this close to the session's span is on the same clock.
SAME_CLOCK_SLACK_S = 60.0


def capture_origin(first_ts: float, session_start_s: float, session_duration_s: float) -> float:
    """Where the capture's second 0 lies on the session's clock (s from the session start).

    A capture taken during the session (its first packet within a minute of the session's
    span, by their wall clocks) keeps its own timing; any other capture is taken to start
    with the session.
    """
    offset = first_ts - session_start_s
    if -SAME_CLOCK_SLACK_S <= offset <= session_duration_s + SAME_CLOCK_SLACK_S:
        return offset
    return 0.0


def network_series(summary: CaptureSummary, origin_s: float) -> list[Series]:
    """Bytes in, bytes out and packets per second, in ms from the session start (t >= 0)."""
    if not summary.per_second:
        return []
    last = max(summary.per_second)
    counts = np.zeros((last + 1, 4), dtype=np.float64)
    for second, row in summary.per_second.items():
        counts[second] = row
    t_ms = (origin_s + np.arange(last + 1) * SERIES_STEP_S) * 1000.0
    keep = t_ms >= 0
    t_ms = t_ms[keep]
    counts = counts[keep]
    return [
        Series(BYTES_IN, t_ms, counts[:, 3]),
        Series(BYTES_OUT, t_ms, counts[:, 1]),
        Series(PACKETS, t_ms, counts[:, 0] + counts[:, 2]),
    ]
