"""``time-series-request`` labels: ``range`` intervals and ``stats`` of any stored series.

One code path for every series, built-in or imported: the points are read from the
time-series store and analysed with numpy (analysis/timeseries/). ``range`` writes
``time-series-result`` labels in the request's group (category = the series key, the request's
name and data copied). ``stats`` answers the request's whole label group at once (the union of
the members' metrics over the union of their intervals) into ``ts_stats``, read back by
``timeSeriesStats``; adding, changing or deleting a member computes the group again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from analysis.timeseries.ranges import last_sample_end, range_intervals
from analysis.timeseries.stats import interval_stats
from graph.errors import ErrorCode, InvalidInput
from graph.ids import new_id
from graph.labels import Label
from graph.sessions import Session
from graph.state import AppState
from graph.timeseries_stats import TimeSeriesStatsStore
from workers.registry import AnalysisSpec, Outcome, register
from workers.request_job import (
    ReadyRequest,
    fail_request,
    finish_request,
    result_label,
    start_request,
)
from workers.time_series_groups import (
    REQUEST_TYPE,
    check_group_keys,
    group_members,
    parsed,
    stats_group,
)
from workers.time_series_request import TimeSeriesRequest, read_request

TIME_SERIES_KEY = "time-series"
RESULT_TYPE = "time-series-result"
JOB = "time_series"
# A deleted member's group is computed again once the deletion has landed.
RECOMPUTE_DELAY_S = 1.0
_MAX_PASSES = 3  # a group that changes while computed is computed again, this many times at most


async def _admit(state: AppState, session: Session, labels: Sequence[Label]) -> None:
    """The series must exist in the session, and a group's requests must name one series."""
    known = {info.key for info in await state.timeseries.info(session.id)}
    for label in labels:
        key = read_request(label.data or {}).key
        if key not in known:
            raise InvalidInput(
                f"session {session.id} has no time series {key!r} (see timeSeriesInfo)",
                code=ErrorCode.TIME_SERIES_NOT_FOUND,
                field="data.time_series_key",
            )
    await check_group_keys(state, labels)


async def _run(ctx: dict[str, Any], label_id: str) -> str:
    state: AppState = ctx["state"]
    ready = await start_request(state, label_id, SPEC)
    if isinstance(ready, str):
        return ready
    request: TimeSeriesRequest = ready.plan.params
    session_id = ready.session.id
    if not await state.timeseries.exists(session_id, request.key):
        return await fail_request(state, ready, f"the session has no time series {request.key!r}")
    if request.method == "range":
        outcome = await _range(state, ready, request)
    else:
        outcome = await _stats(state, ready)
    return await finish_request(state, ready, outcome)


async def _range(state: AppState, ready: ReadyRequest, request: TimeSeriesRequest) -> Outcome:
    label = ready.label
    assert request.range is not None
    t, v = await state.timeseries.read_arrays(
        label.session_id, request.key, label.start_ms, label.end_ms, held=True
    )
    last_end = float("inf")  # the series goes on past the request
    if not await state.timeseries.continues_after(label.session_id, request.key, label.end_ms):
        tail = (
            t
            if len(np.unique(t)) >= 2
            else np.asarray(await state.timeseries.last_times(label.session_id, request.key, 2))
        )
        last_end = last_sample_end(tail)
    spans = await asyncio.to_thread(
        range_intervals, t, v, label.start_ms, label.end_ms, request.range, last_end
    )
    results = [
        replace(
            result_label(ready, RESULT_TYPE, start, end, name="", data=label.data),
            name=label.name,
            category=request.key,
        )
        for start, end in spans
    ]
    message = f"{len(results)} intervals of {request.key} in range."
    return Outcome(labels=results, messages={TIME_SERIES_KEY: message})


async def _stats(state: AppState, ready: ReadyRequest) -> Outcome:
    """Compute the request's group unless its stored stats are already of these members."""
    store = TimeSeriesStatsStore(state.pool)
    label = ready.label
    computed = 0
    for _ in range(_MAX_PASSES):
        group = stats_group(await group_members(state, label))
        if group is None:
            break
        signature = await _series_signature(state, label.session_id, group.key)
        members = group.members(signature)
        if await store.members(label.session_id, label.label_group_id) == members:
            break
        lo = min(a for a, _ in group.intervals)
        hi = max(b for _, b in group.intervals)
        t, v = await state.timeseries.read_arrays(label.session_id, group.key, lo, hi)
        values = await asyncio.to_thread(interval_stats, t, v, group.intervals, group.metrics)
        await store.replace(label.session_id, label.label_group_id, group.key, members, values)
        computed += 1
    message = f"Statistics of label group {label.label_group_id} " + (
        "computed." if computed else "already current."
    )
    return Outcome(messages={TIME_SERIES_KEY: message})


async def _series_signature(state: AppState, session_id: str, key: str) -> str:
    """Changes whenever the series' points do (a re-import, an analysis' rerun)."""
    row = await state.pool.fetchrow(
        "SELECT count(*) AS n, sum(value) AS s, min(t_ms) AS lo, max(t_ms) AS hi"
        " FROM ts_points WHERE session_id = $1 AND key = $2",
        session_id,
        key,
    )
    return "" if row is None else f"{row['n']}:{row['s']!r}:{row['lo']!r}:{row['hi']!r}"


async def _forget(state: AppState, label: Label) -> None:
    """A stats member is going: its group is computed again without it, or its stats go."""
    mine = parsed([label])
    if not mine or mine[0][1].method != "stats":
        return
    others = [lab for lab in await group_members(state, label) if lab.id != label.id]
    rest = stats_group(others)
    if rest is None:
        await TimeSeriesStatsStore(state.pool).delete_group(label.session_id, label.label_group_id)
        return
    await state.redis.enqueue_job(
        JOB,
        label_id=rest.label_ids[0],
        _job_id=f"{JOB}:{rest.label_ids[0]}:{new_id()}",
        _defer_by=RECOMPUTE_DELAY_S,
    )


SPEC = register(
    AnalysisSpec(
        job=JOB,
        request_types=(REQUEST_TYPE,),
        result_types=(RESULT_TYPE,),
        analyses={"time_series": (TIME_SERIES_KEY,)},
        media="any",
        selectable=False,
        progress=False,
        read_data=read_request,
        admit=_admit,
        run=_run,
        forget=_forget,
        described_as="a time-series analysis",
        runs_doc="`range` or `stats` (`data.method`) of the series `data.time_series_key`",
        results_doc=(
            "`range`: `time-series-result` labels (category = the series key, the request's "
            "name and data); `stats`: the label group's statistics in `timeSeriesStats`"
        ),
    )
)
