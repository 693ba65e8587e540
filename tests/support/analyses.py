"""Label-driven analyses through the API: ingest a clip, then read series, labels and states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.client import ApiClient

ANALYSIS_VIEW = """
query($id: ID!) {
  session(id: $id) {
    timeSeriesInfo { key name category units }
    analyses { key state message }
    labels(first: 100) { edges { node { id labelType labelGroupId startTime endTime data } } }
  }
}
"""
TIME_SERIES = """
query($s: ID!, $k: String!, $a: Float, $b: Float, $n: Int) {
  timeSeries(sessionId: $s, key: $k, startMs: $a, endMs: $b, maxPoints: $n) {
    key points { t value }
  }
}
"""


async def ingest(api: ApiClient, run_worker: Any, clip: Path, **extra: Any) -> str:
    """A session of ``clip``, ingested by the worker; returns its id."""
    created = await api.create_session_from_file(clip, **extra)
    await run_worker()
    return str(created["id"])


async def analysis_view(api: ApiClient, session_id: str) -> dict[str, Any]:
    """The session's series (by key), analyses (by key) and labels."""
    session = (await api.gql(ANALYSIS_VIEW, id=session_id))["session"]
    return {
        "series": {s["key"]: s for s in session["timeSeriesInfo"]},
        "analyses": {a["key"]: a for a in session["analyses"]},
        "labels": [e["node"] for e in session["labels"]["edges"]],
    }


async def series_points(api: ApiClient, session_id: str, key: str, **args: Any) -> list[dict]:
    """A series' points (``a``/``b``: start/end ms, ``n``: max points); [] when it has none."""
    found = (await api.gql(TIME_SERIES, s=session_id, k=key, **args))["timeSeries"]
    return list(found["points"]) if found else []
