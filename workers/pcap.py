"""The ``pcap_stats`` job: a session's capture summed up once, and its traffic as series.

The capture is read packet by packet in the process pool (analysis/pcap/), so a large file is
never held whole. The summary (per host pair, direction and protocol: frames, bytes and the
inter-packet histograms) answers every ``pcapStats`` question; the traffic per second becomes
the ``network_bytes_in``, ``network_bytes_out`` and ``network_packets`` series (source
``pcap``: attaching another capture replaces them), on the session's clock.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from analysis.pcap.series import NETWORK_SERIES, capture_origin, network_series
from analysis.pcap.summary import CaptureSummary, summarise_capture
from graph.analyses import AnalysisState
from graph.ids import new_id
from graph.pcaps import PcapStore
from graph.state import AppState
from workers.progress import report, request
from workers.request_job import stored_series
from workers.runner import Failed, run_for_key

PCAP_KEY = "pcap"
PCAP_SOURCE = "pcap"
JOB_NAME = "pcap_stats"


async def start_pcap_stats(state: AppState, session_id: str, upload_id: str) -> None:
    """Mark the session's ``pcap`` analysis pending and queue the job for this capture."""
    await request(state, session_id, PCAP_KEY, params={"upload_id": upload_id})
    await state.redis.enqueue_job(
        JOB_NAME,
        session_id=session_id,
        upload_id=upload_id,
        _job_id=f"{JOB_NAME}:{session_id}:{new_id()}",
    )


async def pcap_stats(ctx: dict[str, Any], *, session_id: str, upload_id: str) -> str:
    """Summarise the session's capture, if it is still ``upload_id``'s."""
    state: AppState = ctx["state"]
    store = PcapStore(state.pool)
    capture = await store.get(session_id)
    if capture is None or capture.upload_id != upload_id:
        return "the session has another capture now"
    session = await state.sessions.get(session_id, None)
    if session is None:
        return "session deleted"
    await store.set_state(session_id, upload_id, "running")
    await report(state, session_id, PCAP_KEY, AnalysisState.RUNNING, progress=0.0)
    result = await run_for_key(
        ctx,
        state,
        session_id,
        PCAP_KEY,
        partial(summarise_capture, Path(capture.path)),
        internal="internal error in the PCAP summary; see the worker log",
        context=f"pcap stats of session {session_id}",
    )
    if isinstance(result, Failed):
        await store.set_state(session_id, upload_id, "error", message=result.message)
        return str(result)
    summary: CaptureSummary = result
    series = []
    if summary.first_ts is not None:
        duration_s = (session.duration_ms or 0.0) / 1000.0
        origin_s = capture_origin(summary.first_ts, session.ts_start, duration_s)
        series = [
            stored_series(NETWORK_SERIES[s.key], s) for s in network_series(summary, origin_s)
        ]
    await state.timeseries.replace(session_id, PCAP_SOURCE, series)
    stored = await store.set_state(session_id, upload_id, "done", summary=summary.to_json())
    if not stored:
        return "the session has another capture now"
    message = f"{summary.packets} IP packets between {len(summary.flows)} host pairs."
    await report(state, session_id, PCAP_KEY, AnalysisState.DONE, message=message)
    return message
