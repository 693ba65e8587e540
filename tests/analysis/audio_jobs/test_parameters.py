"""Job parameters checked at the edge: models, output_period, volume_threshold."""

from __future__ import annotations

import pytest

from analysis.audio_jobs import (
    DEFAULT_VOLUME_THRESHOLD,
    InvalidParameter,
    check_models,
    check_output_period,
    check_volume_threshold,
)


def test_models_are_named_from_the_four_in_the_order_given() -> None:
    assert check_models("speech,arousal") == ("speech", "arousal")
    assert check_models(["gender", "speech", "gender"]) == ("gender", "speech")
    for bad in ("", "speech,mood", ["Speech"]):
        with pytest.raises(InvalidParameter) as raised:
            check_models(bad)
        assert raised.value.field == "models" and "speech, gender, arousal, emotions" in str(
            raised.value
        )


def test_output_period_is_a_multiple_of_64_of_at_least_64() -> None:
    assert [check_output_period(p) for p in (64, 512, 1024, 4096)] == [64, 512, 1024, 4096]
    for bad in (0, 63, 96, -128, True):
        with pytest.raises(InvalidParameter, match="multiple of 64"):
            check_output_period(bad)


def test_volume_threshold_is_an_rms_level_between_0_and_1() -> None:
    assert DEFAULT_VOLUME_THRESHOLD == 0.001
    assert check_volume_threshold(0.0) == 0.0 and check_volume_threshold(1) == 1.0
    for bad in (-0.001, 1.5, float("nan")):
        with pytest.raises(InvalidParameter) as raised:
            check_volume_threshold(bad)
        assert raised.value.field == "volume_threshold"
