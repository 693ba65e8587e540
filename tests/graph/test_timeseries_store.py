"""The time-series store on the real PostgreSQL: replacing a source's points is one set, always."""

from __future__ import annotations

import asyncio
import uuid

from analysis.series import SeriesInfo
from graph.state import AppState
from graph.timeseries import TimeSeriesPoints


async def test_concurrent_replacements_of_one_source_leave_one_run(state: AppState) -> None:
    """Two runs of one request writing at once (a retry racing a worker presumed dead)."""
    session_id = f"ts-{uuid.uuid4().hex[:8]}"
    info = SeriesInfo("brightness", "Brightness", "video quality", "")

    def run(value: float) -> list[TimeSeriesPoints]:
        return [TimeSeriesPoints(info, [float(t) for t in range(2000)], [value] * 2000)]

    for _ in range(5):
        await asyncio.gather(*(state.timeseries.replace(session_id, "req", run(v)) for v in (1, 2)))
        points = await state.timeseries.points(session_id, "brightness")
        assert points is not None and len(points) == 2000
        assert len({value for _, value in points}) == 1
    await state.timeseries.delete_session(session_id)
