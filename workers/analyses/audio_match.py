"""``audio-match-request`` labels: where a reference sound occurs in the label's interval.

The reference is another label's interval in any session of the org (``ref_audio_label_id``),
or a whole reference media file or session (``ref_audio_media_id``: a ``createMedia`` id or a
session id). Both are decoded mono at the precision step's rate and matched by normalised
cross-correlation (analysis/session_audio/match.py). A ``full`` or ``partial`` match writes one
``audio-match-result`` label on the matched interval; otherwise the analysis is done with none.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from analysis.session_audio.requests import AudioSource, MatchOutcome, match_in
from graph.errors import ErrorCode, InvalidInput, NotFound, ReelgraphError
from graph.labels import Label
from graph.media_refs import MediaRefStore
from graph.sessions import Session, SessionStatus
from graph.state import AppState
from workers.audio_request_data import MatchRequest, read_match
from workers.registry import AnalysisSpec, Outcome, register
from workers.request_job import (
    REQUEST_ERRORS,
    ReadyRequest,
    fail_request,
    finish_request,
    result_label,
    start_request,
)
from workers.runner import Failed, run_in_pool

MATCH_KEY = "audio-match"
RESULT_TYPE = "audio-match-result"


async def resolve_reference(
    state: AppState, org_id: str, request: MatchRequest
) -> tuple[AudioSource, float]:
    """The reference's audio and its duration in ms; REFERENCE_NOT_FOUND when it is not in the
    org (or is not ingested), NO_AUDIO when it has no audio."""
    if request.ref_label_id is not None:
        label = await state.labels.get(request.ref_label_id, org_id)
        session = await state.sessions.get(label.session_id, org_id) if label else None
        if label is None or session is None:
            raise NotFound(
                f"reference label {request.ref_label_id} not found",
                code=ErrorCode.REFERENCE_NOT_FOUND,
            )
        path = _session_audio(session)
        return AudioSource(path, label.start_ms, label.end_ms), label.end_ms - label.start_ms
    media_id = request.ref_media_id
    assert media_id is not None
    media = await MediaRefStore(state.graph).get(media_id, org_id)
    if media is not None:
        if not media.has_audio:
            raise InvalidInput(f"reference media {media_id} has no audio", code=ErrorCode.NO_AUDIO)
        return AudioSource(media.media_path), float(media.duration_ms or 0.0)
    session = await state.sessions.get(media_id, org_id)
    if session is None:
        raise NotFound(f"reference media {media_id} not found", code=ErrorCode.REFERENCE_NOT_FOUND)
    return AudioSource(_session_audio(session)), float(session.duration_ms or 0.0)


def _session_audio(session: Session) -> str:
    if session.status is not SessionStatus.READY or not session.media_path:
        raise NotFound(
            f"the reference session {session.id} is not ingested (yet)",
            code=ErrorCode.REFERENCE_NOT_FOUND,
        )
    if not session.has_audio:
        raise InvalidInput(
            f"the reference session {session.id} has no audio", code=ErrorCode.NO_AUDIO
        )
    return session.media_path


async def _admit(state: AppState, session: Session, labels: Sequence[Label]) -> None:
    for label in labels:
        await resolve_reference(state, label.org_id, read_match(label.data or {}))


async def _run(ctx: dict[str, Any], label_id: str) -> str:
    state: AppState = ctx["state"]
    ready = await start_request(state, label_id, SPEC)
    if isinstance(ready, str):
        return ready
    request: MatchRequest = ready.plan.params
    label = ready.label
    try:
        reference, reference_ms = await resolve_reference(state, label.org_id, request)
    except ReelgraphError as exc:
        return await fail_request(state, ready, str(exc))
    test = AudioSource(ready.session.media_path or ready.media_path, label.start_ms, label.end_ms)
    work = partial(match_in, test, reference, label.end_ms - label.start_ms, reference_ms)

    async def fail(message: str) -> None:
        await fail_request(state, ready, message)

    found = await run_in_pool(
        ctx,
        work,
        fail=fail,
        internal="internal error in the audio match analysis; see the worker log",
        context=f"audio match of label {label_id}",
        expected=REQUEST_ERRORS,
    )
    if isinstance(found, Failed):
        return str(found)
    return await finish_request(state, ready, match_outcome(ready, request, found))


def match_outcome(ready: ReadyRequest, request: MatchRequest, found: MatchOutcome) -> Outcome:
    """One result label for a full or partial match, none otherwise."""
    best = found.correlation
    thresholds = request.thresholds
    status = thresholds.status(best.match_score, best.prominence_ratio) if best else None
    if best is None or status is None:
        detail = (
            f" (best score {best.match_score:.3f}, prominence ratio {best.prominence_ratio:.3f})"
            if best is not None
            else ""
        )
        return Outcome(messages={MATCH_KEY: f"No match found{detail}."})
    data: dict[str, object] = {
        "match_status": status,
        "parameters": {"match_status_thresholds": thresholds.as_data()},
        "precision_status": found.precision.status,
        "match_score": round(best.match_score, 3),
        "prominence_ratio": round(best.prominence_ratio, 3),
        **request.reference_data,
        "error_msg": found.precision.error_msg,
    }
    start_ms = best.offset_ms
    result = result_label(
        ready,
        RESULT_TYPE,
        start_ms,
        start_ms + best.duration_ms,
        name=ready.label.name or "",
        data=data,
    )
    message = f"A {status} match at {start_ms / 1000.0:.3f} s (score {best.match_score:.3f})."
    return Outcome(labels=[result], messages={MATCH_KEY: message})


SPEC = register(
    AnalysisSpec(
        job="audio_match",
        request_types=("audio-match-request",),
        result_types=(RESULT_TYPE,),
        analyses={"audio_match": (MATCH_KEY,)},
        media="audio",
        selectable=False,
        progress=False,
        read_data=read_match,
        admit=_admit,
        run=_run,
        described_as="the audio match analysis",
        runs_doc=(
            "audio match (`data.ref_audio_label_id` or `data.ref_audio_media_id`, "
            "`data.match_status_thresholds`)"
        ),
        results_doc=(
            "one `audio-match-result` label on the matched interval for a full or partial "
            "match: `data.match_status`, `match_score`, `prominence_ratio`, `precision_status`, "
            "`parameters`, `error_msg`"
        ),
    )
)
