"""What a ``time-series-request`` label asks for, read from its ``data`` with typed errors.

``data = {"method": "range" | "stats", "time_series_key": KEY, "parameters": {...}}``:
``range`` takes ``lower_limit``/``upper_limit`` (at least one), ``include_lower_limit``
(true), ``include_upper_limit`` (false), ``duration_threshold_ms`` and ``merge_threshold_ms``
(0); ``stats`` takes ``metrics``, a non-empty list of metric aliases. Everything that needs no
store is checked here, while the label is added.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from analysis.timeseries.ranges import RangeParams
from analysis.timeseries.stats import canonical_metric
from graph.errors import ErrorCode, InvalidInput

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
METHODS = ("range", "stats")
MAX_METRICS = 100
_RANGE_FIELDS = tuple(f.name for f in fields(RangeParams))


@dataclass(frozen=True)
class TimeSeriesRequest:
    """A parsed request: the method, the series key and the method's parameters."""

    method: str
    key: str
    range: RangeParams | None = None
    metrics: tuple[str, ...] = ()


def check_key(key: Any, field: str = "data.time_series_key") -> str:
    """A series key: lowercase letters, digits and underscores, starting with a letter."""
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise InvalidInput(
            f"{field} must be 1-64 lowercase letters, digits and underscores, starting with a "
            f"letter (got {key!r:.80})",
            code=ErrorCode.INVALID_TIME_SERIES_KEY,
            field=field,
        )
    return key


def read_request(data: Mapping[str, Any]) -> TimeSeriesRequest:
    """The request in a label's ``data``; InvalidInput naming the field at fault."""
    method = data.get("method")
    if method not in METHODS:
        raise InvalidInput(
            f"data.method must be one of {', '.join(METHODS)} (got {method!r:.80})",
            code=ErrorCode.UNKNOWN_TIME_SERIES_METHOD,
            field="data.method",
        )
    key = check_key(data.get("time_series_key"))
    parameters = data.get("parameters", {})
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, Mapping):
        raise InvalidInput("data.parameters must be an object", code=ErrorCode.INVALID_PARAMETER)
    if method == "range":
        return TimeSeriesRequest("range", key, range=_range(parameters))
    return TimeSeriesRequest("stats", key, metrics=_metrics(parameters))


def _range(given: Mapping[str, Any]) -> RangeParams:
    unknown = sorted(set(given) - set(_RANGE_FIELDS))
    if unknown:
        raise InvalidInput(
            f"unknown parameter data.parameters.{unknown[0]} of a range request; known: "
            + ", ".join(_RANGE_FIELDS),
            code=ErrorCode.INVALID_PARAMETER,
            field=f"data.parameters.{unknown[0]}",
        )
    values: dict[str, Any] = {}
    for name, value in given.items():
        where = f"data.parameters.{name}"
        if name.startswith("include_"):
            if not isinstance(value, bool):
                raise InvalidInput(
                    f"{where} must be true or false", code=ErrorCode.INVALID_PARAMETER, field=where
                )
            values[name] = value
        elif name.endswith("_limit") and value is None:
            continue
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInput(
                    f"{where} must be a number", code=ErrorCode.INVALID_PARAMETER, field=where
                )
            number = float(value)
            if not math.isfinite(number) or (name.endswith("_ms") and number < 0):
                raise InvalidInput(
                    f"{where} must be a finite{' non-negative' if name.endswith('_ms') else ''}"
                    " number",
                    code=ErrorCode.INVALID_PARAMETER,
                    field=where,
                )
            values[name] = number
    if values.get("lower_limit") is None and values.get("upper_limit") is None:
        raise InvalidInput(
            "a range request needs data.parameters.lower_limit, upper_limit or both",
            code=ErrorCode.NO_LIMIT,
            field="data.parameters",
        )
    try:
        return RangeParams(**values)
    except ValueError as exc:  # only the limits' order is left to check
        raise InvalidInput(
            f"data.parameters: {exc}", code=ErrorCode.LIMITS_REVERSED, field="data.parameters"
        ) from None


def _metrics(given: Mapping[str, Any]) -> tuple[str, ...]:
    unknown = sorted(set(given) - {"metrics"})
    if unknown:
        raise InvalidInput(
            f"unknown parameter data.parameters.{unknown[0]} of a stats request; known: metrics",
            code=ErrorCode.INVALID_PARAMETER,
            field=f"data.parameters.{unknown[0]}",
        )
    metrics = given.get("metrics")
    if (
        not isinstance(metrics, list)
        or not metrics
        or len(metrics) > MAX_METRICS
        or not all(isinstance(m, str) for m in metrics)
    ):
        raise InvalidInput(
            f"data.parameters.metrics must be a list of 1 to {MAX_METRICS} metric aliases",
            code=ErrorCode.INVALID_METRIC,
            field="data.parameters.metrics",
        )
    try:
        return tuple(dict.fromkeys(canonical_metric(m) for m in metrics))
    except ValueError as exc:
        raise InvalidInput(
            str(exc), code=ErrorCode.INVALID_METRIC, field="data.parameters.metrics"
        ) from None
