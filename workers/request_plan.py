"""Request labels → runs: what a request label asks for, checked before anything is written.

The label's type names its spec (workers/registry.py). A label picks analyses in
``data.analysis_keys`` (all of its spec's when absent) and overrides parameters in
``data.parameters`` (nested as the spec's parameter groups). Every problem is an
``InvalidInput`` naming the key or parameter, raised while the label is added, so a bad request
leaves no label behind. The job re-plans from the stored label, so an edited label runs with
what it says now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.media.frame_scan import Box
from graph.errors import ErrorCode, InvalidInput
from graph.labels import Label
from graph.sessions import Session, SessionStatus
from workers.parameters import with_parameters
from workers.registry import AnalysisSpec, spec_for


@dataclass(frozen=True)
class RequestPlan:
    """What one request label runs: its spec, the analysis names it picked, the tracked keys."""

    spec: AnalysisSpec
    names: tuple[str, ...]  # analysis names as the label gives them (underscores)
    tracked: tuple[str, ...]  # the Analysis keys these move (the seed's trackable names)
    box: Box | None
    params: Any

    @property
    def job(self) -> str:
        return self.spec.job


def is_request(label_type: str) -> bool:
    return spec_for(label_type) is not None


def plan_of(label: Label, session: Session) -> RequestPlan | None:
    """The plan of a request label, None for a label that requests nothing."""
    spec = spec_for(label.label_type)
    if spec is None:
        return None
    label_type = label.label_type
    if label.end_ms <= label.start_ms:
        raise InvalidInput(
            f"a {label_type} label needs endTime after startTime", code=ErrorCode.INVALID_TIME_RANGE
        )
    check_media(spec, label_type, session)
    data = label.data
    if data is not None and not isinstance(data, Mapping):
        raise InvalidInput(
            f"data of a {label_type} label must be an object", code=ErrorCode.INVALID_DATA
        )
    fields: Mapping[str, Any] = data or {}
    box = _box(label.video_box, session)
    given = fields.get("analysis_keys")
    names = _names(given, tuple(spec.analyses)) if spec.selectable else tuple(spec.analyses)
    if spec.choose is not None:
        names = spec.choose(names, bool(given) and spec.selectable, session)
    if spec.read_data is not None:
        params = spec.read_data(fields)
    else:
        params = with_parameters(spec.parameters, fields.get("parameters"))
    tracked = tuple(dict.fromkeys(key for name in names for key in spec.analyses[name]))
    return RequestPlan(spec, names, tracked, box, params)


def check_media(spec: AnalysisSpec, label_type: str, session: Session) -> None:
    """NO_VIDEO or NO_AUDIO when an ingested session lacks what the spec needs."""
    if session.status is not SessionStatus.READY:
        return  # checked again when the job runs after ingest
    if spec.media == "video" and session.kind != "video":
        raise InvalidInput(
            f"a {label_type} label needs a session with video", code=ErrorCode.NO_VIDEO
        )
    if spec.media == "audio" and not session.has_audio:
        raise InvalidInput(
            f"a {label_type} label needs a session with audio", code=ErrorCode.NO_AUDIO
        )


def _names(given: Any, known: tuple[str, ...]) -> tuple[str, ...]:
    if given is None:
        return known
    if not isinstance(given, list) or not all(isinstance(k, str) for k in given):
        raise InvalidInput(
            "data.analysis_keys must be a list of strings", code=ErrorCode.INVALID_DATA
        )
    unknown = [k for k in given if k not in known]
    if unknown:
        raise InvalidInput(
            f"unknown analysis key {unknown[0]!r} in data.analysis_keys; known: {', '.join(known)}",
            code=ErrorCode.UNKNOWN_ANALYSIS_KEY,
            field="data.analysis_keys",
        )
    return tuple(k for k in known if k in given) if given else known


def _box(video_box: Sequence[Sequence[int]] | None, session: Session) -> Box | None:
    if not video_box:
        return None
    if len(video_box) != 1:
        raise InvalidInput(
            "an analysis label takes one video_box: [[x0, y0, x1, y1]]",
            code=ErrorCode.INVALID_VIDEO_BOX,
        )
    box = Box(*video_box[0])
    if session.width and session.height and not box.fits(session.width, session.height):
        raise InvalidInput(
            f"videoBox {list(video_box[0])} is outside the {session.width}x{session.height} "
            "picture",
            code=ErrorCode.INVALID_VIDEO_BOX,
        )
    return box
