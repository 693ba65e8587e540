"""analysisStatus with seed 000's timeout rules, on a real queued ingest job."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from graph.analyses import AnalysisState
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.media import MediaFactory
from workers.progress import report

STATUS = """query($s: ID!, $t: Float, $track: [String!]) {
  analysisStatus(sessionId: $s, timeout: $t, track: $track) { status message sessionId } }"""


async def status(api: ApiClient, session_id: str, timeout: float | None, track: Any = None) -> dict:
    variables: dict[str, Any] = {"s": session_id, "track": track}
    if timeout is not None:
        variables["t"] = timeout
    data = await api.gql(STATUS, **variables)
    return dict(data["analysisStatus"])


async def test_timeouts_while_pending_and_after_done(
    api: ApiClient, media: MediaFactory, run_worker: Any
) -> None:
    session = await api.create_session_from_file(media.sample_video())
    sid = session["id"]

    now = await status(api, sid, 0)
    assert now == {
        "status": "timeout",
        "sessionId": sid,
        "message": "Timeout waiting 0 seconds for analysis to finish.",
    }
    tracked = await status(api, sid, 0, ["ingest"])
    assert tracked["message"] == (
        "At least one of the tracked analyses (ingest) not yet completed for session."
    )

    started = time.monotonic()
    waited = await status(api, sid, 2)
    elapsed = time.monotonic() - started
    assert waited["status"] == "timeout"
    assert waited["message"] == "Timeout waiting 2 seconds for analysis to finish."
    assert 2.0 <= elapsed < 4.0

    async def worker_later() -> None:
        await asyncio.sleep(1.0)
        await run_worker()

    started = time.monotonic()
    indefinite, _ = await asyncio.gather(status(api, sid, -1), worker_later())
    assert time.monotonic() - started >= 1.0
    assert indefinite == {
        "status": "done",
        "sessionId": sid,
        "message": "Analysis completed for the session.",
    }

    omitted = await status(api, sid, None)
    assert omitted["status"] == "done"
    for timeout in (0, 2):
        assert (await status(api, sid, timeout))["status"] == "done"
    both = await status(api, sid, 0, ["ingest", "ingest"])
    assert both["message"] == "All of the tracked analyses (ingest) completed for session."


async def test_unknown_track_failed_analysis_and_unknown_session(
    api: ApiClient, media: MediaFactory, run_worker: Any
) -> None:
    session = await api.create_session_from_file(media.text_file())
    bad = await status(api, session["id"], 0, ["no-such-analysis"])
    assert bad["status"] == "error"
    assert bad["message"].startswith("Unknown analyses to track: no-such-analysis.")
    await run_worker()
    failed = await status(api, session["id"], 0)
    assert failed["status"] == "error"
    assert failed["message"].startswith("Analysis failed for the session (ingest: ")
    error = await api.gql_error(STATUS, s="f" * 32, t=0)
    assert error["extensions"]["code"] == "SESSION_NOT_FOUND"


async def test_waiting_reads_the_state_on_events_not_on_a_timer(
    api: ApiClient, media: MediaFactory, state: AppState
) -> None:
    """A 2 s wait with nothing happening reads the graph once or twice (not every 100 ms); an
    analysis event wakes the wait at once."""
    session = await api.create_session_from_file(media.sample_video())
    sid = session["id"]
    before = state.graph.round_trips
    waited = await status(api, sid, 2, ["ingest"])
    assert waited["status"] == "timeout"
    assert state.graph.round_trips - before <= 4, "the wait polled the graph"

    async def finish_later() -> float:
        await asyncio.sleep(0.5)
        await report(state, sid, "ingest", AnalysisState.DONE, progress=1.0)
        return time.monotonic()

    answer, finished_at = await asyncio.gather(status(api, sid, 30, ["ingest"]), finish_later())
    assert answer["status"] == "done"
    assert time.monotonic() - finished_at < 0.5
