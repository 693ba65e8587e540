"""Time series of a session: what exists (``timeSeriesInfo``) and its points (``timeSeries``)."""

from __future__ import annotations

import math

from analysis.series import SeriesInfo
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, InvalidInput

MAX_POINTS = 100_000


async def time_series_info(state: AppState, session_id: str) -> list[SeriesInfo]:
    return await state.timeseries.info(session_id)


def _check_time(value: float | None, name: str) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise InvalidInput(
            f"{name} must be a finite, non-negative time in ms", code=ErrorCode.INVALID_TIME
        )


async def time_series_points(
    state: AppState,
    principal: Principal,
    session_id: str,
    key: str,
    *,
    start_ms: float | None,
    end_ms: float | None,
    max_points: int | None,
) -> list[tuple[float, float]] | None:
    """Points of one series in ``[start_ms, end_ms]``; None when the session has no such key.

    ``max_points`` keeps each time bucket's minimum and maximum (spikes survive downsampling).
    """
    _check_time(start_ms, "startMs")
    _check_time(end_ms, "endMs")
    if start_ms is not None and end_ms is not None and end_ms < start_ms:
        raise InvalidInput("endMs is before startMs", code=ErrorCode.INVALID_TIME_RANGE)
    if max_points is not None and not 2 <= max_points <= MAX_POINTS:
        raise InvalidInput(
            f"maxPoints must be between 2 and {MAX_POINTS}", code=ErrorCode.INVALID_MAX_POINTS
        )
    await require_session(state, principal, session_id)
    return await state.timeseries.points(
        session_id, key, start_ms=start_ms, end_ms=end_ms, max_points=max_points
    )
