"""The label group of a stats request: its members, what they ask together, and checks.

Stats requests of one group are answered together: the union of their metrics over the union
of their intervals, for the one series they all name. A group's ``members`` record (ids,
intervals, metrics, and a signature of the series' points) says what a stored result was
computed from, so a job that finds it unchanged does not compute it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis.timeseries.stats import metric_order
from graph.errors import ErrorCode, InvalidInput
from graph.labels import Label
from graph.state import AppState
from workers.time_series_request import TimeSeriesRequest, read_request

REQUEST_TYPE = "time-series-request"


@dataclass(frozen=True)
class StatsGroup:
    """What a group's stats requests ask together."""

    key: str
    intervals: tuple[tuple[float, float], ...]
    metrics: tuple[str, ...]
    label_ids: tuple[str, ...]

    def members(self, series_signature: str) -> str:
        """The record stored beside the group's stats."""
        return json.dumps(
            {
                "key": self.key,
                "labels": self.label_ids,
                "intervals": self.intervals,
                "metrics": self.metrics,
                "series": series_signature,
            },
            separators=(",", ":"),
        )


def parsed(labels: Iterable[Label]) -> list[tuple[Label, TimeSeriesRequest]]:
    """The time-series requests among ``labels`` (unreadable ones skipped: they fail alone)."""
    found = []
    for label in labels:
        if label.label_type != REQUEST_TYPE or not isinstance(label.data, dict):
            continue
        try:
            found.append((label, read_request(label.data)))
        except InvalidInput:
            continue
    return found


def stats_group(labels: Sequence[Label]) -> StatsGroup | None:
    """The stats requests of one group's labels taken together; None when there is none."""
    members = [(lab, req) for lab, req in parsed(labels) if req.method == "stats"]
    if not members:
        return None
    members.sort(key=lambda m: (m[0].start_ms, m[0].end_ms, m[0].id))
    return StatsGroup(
        key=members[0][1].key,
        intervals=tuple((lab.start_ms, lab.end_ms) for lab, _ in members),
        metrics=tuple(metric_order(m for _, req in members for m in req.metrics)),
        label_ids=tuple(lab.id for lab, _ in members),
    )


async def group_members(state: AppState, label: Label) -> list[Label]:
    """Every label of ``label``'s group now (empty when the group is gone)."""
    found = await state.labels.group_labels(label.label_group_id, label.org_id)
    return found[1] if found else []


async def check_group_keys(state: AppState, labels: Sequence[Label]) -> None:
    """MIXED_TIME_SERIES_KEYS when a group's time-series requests would name two series.

    ``labels`` are being added or changed: they replace stored labels of the same id.
    """
    by_group: dict[str, list[Label]] = {}
    for label in labels:
        by_group.setdefault(label.label_group_id, []).append(label)
    for group_labels in by_group.values():
        changed = {lab.id for lab in group_labels}
        stored = [
            lab for lab in await group_members(state, group_labels[0]) if lab.id not in changed
        ]
        keys = sorted({req.key for _, req in parsed([*stored, *group_labels])})
        if len(keys) > 1:
            raise InvalidInput(
                f"time-series-request labels of label group {group_labels[0].label_group_id} "
                f"name different series ({', '.join(keys)}); a group analyses one series",
                code=ErrorCode.MIXED_TIME_SERIES_KEYS,
                field="data.time_series_key",
            )
