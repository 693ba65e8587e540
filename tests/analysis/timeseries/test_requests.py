"""A ``time-series-request`` label's data: every problem is a typed error naming its field."""

from __future__ import annotations

from typing import Any

import pytest

from graph.errors import ErrorCode, InvalidInput
from workers.time_series_request import check_key, read_request


def _error(data: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        read_request(data)
    return caught.value


def test_the_seeds_range_request() -> None:
    request = read_request(
        {"method": "range", "time_series_key": "frame_rate", "parameters": {"upper_limit": 20}}
    )
    assert request.method == "range" and request.key == "frame_rate"
    assert request.range is not None
    assert (request.range.upper_limit, request.range.lower_limit) == (20.0, None)
    assert request.range.include_lower_limit and not request.range.include_upper_limit
    assert request.range.duration_threshold_ms == request.range.merge_threshold_ms == 0


def test_the_seeds_stats_request() -> None:
    request = read_request(
        {
            "method": "stats",
            "time_series_key": "video_quality_mos",
            "parameters": {"metrics": ["mean", "percentile 10", "percentile 97.5"]},
        }
    )
    assert request.metrics == ("mean", "percentile 10.0", "percentile 97.5")


def _range(**parameters: Any) -> dict[str, Any]:
    return {"method": "range", "time_series_key": "k", "parameters": parameters}


def _stats(**parameters: Any) -> dict[str, Any]:
    return {"method": "stats", "time_series_key": "k", "parameters": parameters}


R_ERR, S_ERR = ErrorCode.INVALID_PARAMETER, ErrorCode.INVALID_METRIC


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        ({"time_series_key": "k"}, ErrorCode.UNKNOWN_TIME_SERIES_METHOD, "data.method"),
        ({"method": "mode", "time_series_key": "k"}, ErrorCode.UNKNOWN_TIME_SERIES_METHOD, "mode"),
        ({"method": "range"}, ErrorCode.INVALID_TIME_SERIES_KEY, "time_series_key"),
        ({"method": "range", "time_series_key": "A B"}, ErrorCode.INVALID_TIME_SERIES_KEY, "A B"),
        (_range(), ErrorCode.NO_LIMIT, "lower_limit"),
        (_range(lower_limit=None), ErrorCode.NO_LIMIT, "upper_limit"),
        (_range(lower_limit=2, upper_limit=1), ErrorCode.LIMITS_REVERSED, "lower_limit 2"),
        (_range(lower_limit=1, upper_limit=1), ErrorCode.LIMITS_REVERSED, "no value"),
        (_range(upper_limit="20"), R_ERR, "upper_limit"),
        (_range(upper_limit=1, include_upper_limit=1), R_ERR, "include_upper_limit"),
        (_range(upper_limit=1, merge_threshold_ms=-5), R_ERR, "merge_threshold_ms"),
        (_range(upper_limit=1, metrics=[]), R_ERR, "metrics"),
        ({"method": "stats", "time_series_key": "k"}, S_ERR, "metrics"),
        (_stats(metrics=[]), S_ERR, "metrics"),
        (_stats(metrics=["median"]), S_ERR, "'median'"),
        (_stats(metrics=["percentile 120"]), S_ERR, "percentile 120"),
        (_stats(metrics=["mean"], upper_limit=2), R_ERR, "upper_limit"),
        ({"method": "stats", "time_series_key": "k", "parameters": [1]}, R_ERR, "parameters"),
    ],
)
def test_bad_requests_are_typed_errors(data: dict[str, Any], code: ErrorCode, words: str) -> None:
    error = _error(data)
    assert error.code == code
    assert words in str(error)


@pytest.mark.parametrize("key", ["frame_rate", "network_bytes_in", "a", "cpu2"])
def test_keys(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize("key", ["", "2cpu", "CPU", "a-b", "a" * 65, "a b", None, 3])
def test_bad_keys(key: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_key(key)
    assert caught.value.code == ErrorCode.INVALID_TIME_SERIES_KEY
