"""The ``data`` of audio request labels, read and checked as the labels are added.

``audio-activity-request``: ``data.thresholds`` may give any of ``volume`` (0..1),
``duration_ms`` and ``merge_ms`` (≥ 0); the others keep their defaults.

``audio-match-request``: exactly one of ``ref_audio_label_id`` and ``ref_audio_media_id`` (a
reference media id or a session id); ``match_status_thresholds`` gives all four thresholds or
is absent: scores in [0, 1], the partial score below the full one, prominence ratios ≥ 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from analysis.session_audio.activity import ActivityThresholds
from analysis.session_audio.match import MatchThresholds
from graph.errors import ErrorCode, InvalidInput

REF_LABEL = "ref_audio_label_id"
REF_MEDIA = "ref_audio_media_id"
MAX_ID_LENGTH = 128


def _bad(message: str, field: str, code: ErrorCode = ErrorCode.INVALID_THRESHOLDS) -> InvalidInput:
    return InvalidInput(message, code=code, field=field)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(f"{where} must be a finite number", where)
    return float(value)


def read_activity(data: Mapping[str, Any]) -> ActivityThresholds:
    """The thresholds of an activity request: the defaults with the label's over them."""
    given = data.get("thresholds")
    if given is None:
        return ActivityThresholds()
    if not isinstance(given, Mapping):
        raise _bad("data.thresholds must be an object", "data.thresholds")
    known = [f.name for f in fields(ActivityThresholds)]
    values: dict[str, float] = {}
    for name, value in given.items():
        where = f"data.thresholds.{name}"
        if name not in known:
            raise _bad(f"unknown threshold {where}; known: {', '.join(known)}", where)
        values[name] = _number(value, where)
        if values[name] < 0:
            raise _bad(f"{where} must not be negative", where)
    if values.get("volume", 0.0) > 1.0:
        raise _bad("data.thresholds.volume is a fraction of full scale: 0..1", "data.thresholds")
    return ActivityThresholds(**values)


@dataclass(frozen=True)
class MatchRequest:
    """What an audio-match-request asks: its reference and its thresholds."""

    ref_label_id: str | None
    ref_media_id: str | None
    thresholds: MatchThresholds

    @property
    def reference_data(self) -> dict[str, str]:
        """The reference as the result's ``data`` names it."""
        if self.ref_label_id is not None:
            return {REF_LABEL: self.ref_label_id}
        assert self.ref_media_id is not None
        return {REF_MEDIA: self.ref_media_id}


def _reference_id(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH:
        raise _bad(f"data.{name} must be an id", f"data.{name}", ErrorCode.INVALID_REFERENCE)
    return value


def read_match(data: Mapping[str, Any]) -> MatchRequest:
    """The reference and thresholds of a match request."""
    label_id, media_id = _reference_id(data, REF_LABEL), _reference_id(data, REF_MEDIA)
    if (label_id is None) == (media_id is None):
        raise _bad(
            f"an audio-match-request needs exactly one of data.{REF_LABEL} and data.{REF_MEDIA}",
            "data",
            ErrorCode.INVALID_REFERENCE,
        )
    return MatchRequest(label_id, media_id, _match_thresholds(data.get("match_status_thresholds")))


def _match_thresholds(given: Any) -> MatchThresholds:
    if given is None:
        return MatchThresholds()
    path = "data.match_status_thresholds"
    if not isinstance(given, Mapping) or set(given) != {"full", "partial"}:
        raise _bad(f"{path} needs all four thresholds: full and partial, each with "
                   "match_score and prominence_ratio", path)  # fmt: skip
    values: dict[str, float] = {}
    for status in ("full", "partial"):
        group = given[status]
        if not isinstance(group, Mapping) or set(group) != {"match_score", "prominence_ratio"}:
            raise _bad(f"{path}.{status} needs match_score and prominence_ratio (all four "
                       "thresholds or none)", f"{path}.{status}")  # fmt: skip
        score = _number(group["match_score"], f"{path}.{status}.match_score")
        prominence = _number(group["prominence_ratio"], f"{path}.{status}.prominence_ratio")
        if not 0.0 <= score <= 1.0:
            raise _bad(f"{path}.{status}.match_score must be between 0 and 1", path)
        if prominence < 1.0:
            raise _bad(f"{path}.{status}.prominence_ratio must be at least 1", path)
        values[f"{status}_score"], values[f"{status}_prominence"] = score, prominence
    if values["partial_score"] >= values["full_score"]:
        raise _bad(f"{path}.partial.match_score must be smaller than the full one", path)
    return MatchThresholds(**values)
