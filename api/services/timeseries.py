"""Time series of a session: what exists (``timeSeriesInfo``) and its points (``timeSeries``)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analysis.media.vmaf import VMAF_SERIES
from analysis.pcap.series import NETWORK_SERIES
from analysis.quality.suite import QUALITY_SERIES
from analysis.screen.suite import SCREEN_SERIES
from analysis.series import SeriesInfo
from analysis.timeseries.points_file import PointsFileError, read_points_csv
from api.services.label_input import MAX_TIME_MS
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.errors import Conflict, ErrorCode, InvalidInput, NotFound
from graph.timeseries_stats import TimeSeriesStat, TimeSeriesStatsStore
from workers.time_series_request import check_key

MAX_POINTS = 100_000
MAX_IMPORT_POINTS = 1_000_000
MAX_TEXT_CHARS = 200
IMPORTED_CATEGORY = "imported"
# Keys the analyses write: an import may not take them even before the analysis has run.
BUILT_IN_KEYS = frozenset(
    [
        *QUALITY_SERIES,
        *SCREEN_SERIES,
        *VMAF_SERIES,
        *NETWORK_SERIES,
    ]
)


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


def _text(value: str | None, name: str, default: str | None) -> str | None:
    if value is None:
        return default
    if not value.strip() or len(value) > MAX_TEXT_CHARS:
        raise InvalidInput(
            f"{name} must be 1 to {MAX_TEXT_CHARS} characters", code=ErrorCode.INVALID_NAME
        )
    return value


def check_points(
    t_ms: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Imported points as arrays sorted by time: finite, times in range, each time once."""
    if not 1 <= len(t_ms) <= MAX_IMPORT_POINTS:
        raise InvalidInput(
            f"points must hold 1 to {MAX_IMPORT_POINTS} points", code=ErrorCode.INVALID_POINTS
        )
    t = np.asarray(t_ms, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if not np.isfinite(v).all():
        raise InvalidInput("point values must be finite numbers", code=ErrorCode.INVALID_POINTS)
    if not (np.isfinite(t) & (t >= 0) & (t <= MAX_TIME_MS)).all():
        raise InvalidInput(
            f"point times must be ms from 0 to {MAX_TIME_MS:.0f}", code=ErrorCode.INVALID_POINTS
        )
    order = np.argsort(t, kind="stable")
    t, v = t[order], v[order]
    repeated = np.flatnonzero(t[1:] == t[:-1])
    if len(repeated):
        raise InvalidInput(
            f"two points at t = {t[repeated[0]]:g} ms; each time may appear once",
            code=ErrorCode.INVALID_POINTS,
        )
    return t, v


async def add_time_series(
    state: AppState,
    principal: Principal,
    session_id: str,
    key: str,
    *,
    name: str | None,
    category: str | None,
    units: str | None,
    t_ms: Sequence[float],
    values: Sequence[float],
    upload_id: str | None = None,
) -> SeriesInfo:
    """Import an external series (device CPU, frame rate, network...) into the session.

    The points come inline or, for large series, from an upload: a CSV of ``t,value`` lines
    sent with ``POST /api/v1/files`` (consumed by the import). Re-importing a key replaces
    that import; a key an analysis writes is refused. Nothing is written on any error.
    """
    check_key(key, "key")
    info = SeriesInfo(
        key,
        _text(name, "name", key) or key,
        _text(category, "category", IMPORTED_CATEGORY) or IMPORTED_CATEGORY,
        _text(units, "units", None),
    )
    if key in BUILT_IN_KEYS:
        raise InvalidInput(
            f"{key!r} is the key of a built-in series; import under another key",
            code=ErrorCode.TIME_SERIES_KEY_TAKEN,
            field="key",
        )
    if upload_id is not None and len(t_ms):
        raise InvalidInput("give points or uploadId, not both", code=ErrorCode.INVALID_POINTS)
    session = await require_session(state, principal, session_id)
    upload = None
    given: tuple[Sequence[float] | np.ndarray, Sequence[float] | np.ndarray] = (t_ms, values)
    if upload_id is not None:
        upload = await state.uploads.get(upload_id, principal.org_id)
        if upload is None:
            raise NotFound(f"upload {upload_id} not found", code=ErrorCode.UPLOAD_NOT_FOUND)
        if upload.session_id is not None:
            raise Conflict(f"upload {upload_id} is already in use", code=ErrorCode.UPLOAD_IN_USE)
        try:
            given = await asyncio.to_thread(read_points_csv, Path(upload.path), MAX_IMPORT_POINTS)
        except PointsFileError as exc:
            raise InvalidInput(str(exc), code=ErrorCode.INVALID_POINTS) from None
    t, v = check_points(*given)
    await state.timeseries.import_series(session.id, info, t.tolist(), v.tolist())
    if upload is not None and await state.uploads.claim(upload.id, session.id):
        Path(upload.path).unlink(missing_ok=True)  # the points now live in the store
    return info


async def time_series_stats(
    state: AppState, principal: Principal, session_id: str, label_group_id: str | None
) -> list[TimeSeriesStat]:
    """The computed statistics of the session, or of one of its label groups."""
    session = await require_session(state, principal, session_id)
    if label_group_id is not None:
        found = (await state.labels.groups([label_group_id])).get(label_group_id)
        if found is None or found["org_id"] != principal.org_id:
            raise NotFound(
                f"label group {label_group_id} not found", code=ErrorCode.LABEL_GROUP_NOT_FOUND
            )
        if found["session_id"] != session.id:
            raise InvalidInput(
                f"label group {label_group_id} belongs to another session",
                code=ErrorCode.LABEL_GROUP_OTHER_SESSION,
            )
    return await TimeSeriesStatsStore(state.pool).list(session.id, label_group_id)
