"""The data of audio request labels: thresholds merged with defaults, references, every
validation error with its code (pure: no stack)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from analysis.session_audio.activity import ActivityThresholds
from analysis.session_audio.issues import LoudnessLimits
from analysis.session_audio.match import MatchThresholds
from graph.errors import InvalidInput
from graph.sessions import Session
from graph.state import AppState
from workers.audio_request_data import read_activity, read_match
from workers.session_audio import loudness_limits

FULL = {"match_score": 0.8, "prominence_ratio": 1.0}
PARTIAL = {"match_score": 0.5, "prominence_ratio": 1.3}


def test_activity_thresholds_merge_with_the_defaults() -> None:
    assert read_activity({}) == ActivityThresholds()
    merged = read_activity({"thresholds": {"volume": 0.1, "merge_ms": 150}})
    assert merged.as_data() == {"volume": 0.1, "duration_ms": 15, "merge_ms": 150}


@pytest.mark.parametrize(
    "thresholds",
    [[], {"volume": "loud"}, {"volume": 1.5}, {"merge_ms": -1}, {"gap": 3}, {"volume": True}],
)
def test_bad_activity_thresholds(thresholds: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_activity({"thresholds": thresholds})
    assert caught.value.code == "INVALID_THRESHOLDS"


def test_seed_match_example_reads() -> None:
    request = read_match(
        {
            "ref_audio_media_id": "d7f68f60e9964ea3b9a88a13b2f2dc6d",
            "match_status_thresholds": {"full": FULL, "partial": PARTIAL},
        }
    )
    assert request.thresholds == MatchThresholds(0.8, 1.0, 0.5, 1.3)
    assert request.reference_data == {"ref_audio_media_id": "d7f68f60e9964ea3b9a88a13b2f2dc6d"}
    assert read_match({"ref_audio_label_id": "a63f"}).thresholds == MatchThresholds()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({}, "INVALID_REFERENCE"),
        ({"ref_audio_label_id": "a", "ref_audio_media_id": "b"}, "INVALID_REFERENCE"),
        ({"ref_audio_label_id": 5}, "INVALID_REFERENCE"),
        # the seed's own example of an error: three thresholds
        ({"ref_audio_label_id": "a", "match_status_thresholds": {
            "full": {"match_score": 0.8, "prominence_ratio": 1.1},
            "partial": {"match_score": 0.5}}}, "INVALID_THRESHOLDS"),
        ({"ref_audio_label_id": "a", "match_status_thresholds": {"full": FULL}},
         "INVALID_THRESHOLDS"),
        ({"ref_audio_label_id": "a", "match_status_thresholds": {
            "full": {**FULL, "match_score": 1.2}, "partial": PARTIAL}}, "INVALID_THRESHOLDS"),
        ({"ref_audio_label_id": "a", "match_status_thresholds": {
            "full": FULL, "partial": {**PARTIAL, "match_score": 0.8}}}, "INVALID_THRESHOLDS"),
        ({"ref_audio_label_id": "a", "match_status_thresholds": {
            "full": {**FULL, "prominence_ratio": 0.9}, "partial": PARTIAL}},
         "INVALID_THRESHOLDS"),
    ],
)  # fmt: skip
def test_bad_match_requests(data: dict[str, Any], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_match(data)
    assert caught.value.code == code


def test_loudness_limits_come_from_settings_and_session_tags() -> None:
    settings = SimpleNamespace(loudness_max_lufs=-9.0, loudness_min_lufs=-45.0)
    state = cast(AppState, SimpleNamespace(settings=settings))

    def session(tags: dict[str, Any]) -> Session:
        return cast(Session, SimpleNamespace(tags=tags))

    assert loudness_limits(state, session({})) == LoudnessLimits(max_lufs=-9.0, min_lufs=-45.0)
    tagged = loudness_limits(state, session({"loudness_max_lufs": -14, "loudness_min_lufs": "x"}))
    assert tagged == LoudnessLimits(max_lufs=-14.0, min_lufs=-45.0)
