"""The ``session_audio`` job: after ingest, one streamed pass over a session's audio.

It stores the volume series (one per channel), the momentary and short-term loudness series,
the loudness figures ``audioLoudness`` answers with, and ``audio-loudness-issue`` labels, each
replacing the previous run's. It moves the ``audio-volume``, ``audio-momentary-lufs`` and
``audio-loudness-issue`` keys together. The loudness limits come from the settings, and a
session's tags ``loudness_max_lufs`` / ``loudness_min_lufs`` override them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from analysis.errors import MediaError
from analysis.series import SeriesInfo
from analysis.session_audio.channels import channel_name, channel_suffix
from analysis.session_audio.issues import LoudnessLimits
from analysis.session_audio.session import SessionAudio, analyse_session_audio
from graph.analyses import AnalysisState
from graph.ids import new_id, now_s
from graph.labels import Label
from graph.session_audio import LoudnessStore, SessionLoudness
from graph.sessions import Session, SessionStatus
from graph.state import AppState
from graph.timeseries import TimeSeriesPoints
from workers.progress import report, request
from workers.registry import SESSION_AUDIO_KEYS
from workers.runner import Failed, in_pool

JOB_NAME = "session_audio"
SOURCE_ID = "session-audio"  # the source of its series and issue labels
ISSUE_TYPE = "audio-loudness-issue"
VOLUME_UNITS = "fraction of full scale (0..1)"


def session_audio_job_id(session_id: str) -> str:
    return f"{JOB_NAME}:{session_id}:{new_id()}"


async def start_session_audio(state: AppState, session_id: str) -> None:
    """Mark the three keys pending and queue the pass (ingest calls this for audio)."""
    for key in SESSION_AUDIO_KEYS:
        await request(state, session_id, key)
    await state.redis.enqueue_job(
        JOB_NAME, session_id=session_id, _job_id=session_audio_job_id(session_id)
    )


def loudness_limits(state: AppState, session: Session) -> LoudnessLimits:
    """The settings' limits with the session's tags over them (numbers only)."""
    limits = {"max_lufs": state.settings.loudness_max_lufs}
    limits["min_lufs"] = state.settings.loudness_min_lufs
    tags = session.tags if isinstance(session.tags, dict) else {}
    for name in ("max_lufs", "min_lufs"):
        value = tags.get(f"loudness_{name}")
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            limits[name] = float(value)
    return LoudnessLimits(**limits)


async def _report_all(state: AppState, session_id: str, phase: AnalysisState, **kw: Any) -> None:
    for key in SESSION_AUDIO_KEYS:
        await report(state, session_id, key, phase, **kw)


async def session_audio(ctx: dict[str, Any], *, session_id: str) -> str:
    """Measure the session's audio and replace what an earlier run stored."""
    state: AppState = ctx["state"]
    session = await state.sessions.get(session_id, None)
    if session is None:
        return "session deleted"
    if session.status is not SessionStatus.READY or not session.has_audio:
        message = "The session has no ingested audio."
        await _report_all(state, session_id, AnalysisState.ERROR, message=message)
        return "no audio"
    await _report_all(state, session_id, AnalysisState.RUNNING, progress=0.0)
    limits = loudness_limits(state, session)
    work = partial(
        analyse_session_audio,
        Path(session.media_path or ""),
        limits,
        duration_ms=session.duration_ms,
        channels=session.channels,
    )

    async def progress(fraction: float) -> None:
        await _report_all(state, session_id, AnalysisState.RUNNING, progress=fraction)

    try:
        found: SessionAudio | Failed = await in_pool(ctx, work, on_progress=progress)
    except MediaError as exc:
        await _report_all(state, session_id, AnalysisState.ERROR, message=str(exc))
        return f"error: {exc}"
    except Exception:
        message = "internal error in the audio analyses; see the worker log"
        await _report_all(state, session_id, AnalysisState.ERROR, message=message)
        raise
    assert not isinstance(found, Failed)
    await state.timeseries.replace(session_id, SOURCE_ID, audio_series(found))
    await LoudnessStore(state.pool).put(
        SessionLoudness(
            session_id,
            _rounded(found.integrated_lufs),
            _rounded(found.loudness_range_lu),
            round(found.true_peak_dbtp, 2),
            found.channels,
            now_s(),
        )
    )
    labels = issue_labels(session, found)
    await state.labels.replace_results(session_id, f"{SOURCE_ID}:{session_id}", labels)
    if await state.sessions.get(session_id, None) is None:  # deleted while measured
        await state.timeseries.delete_session(session_id)
        await LoudnessStore(state.pool).delete_session(session_id)
        return "session deleted while measured"
    messages = _messages(found, labels)
    for key in SESSION_AUDIO_KEYS:
        await report(state, session_id, key, AnalysisState.DONE, message=messages[key])
    return f"{len(found.volume_t_ms)} volume points, {len(labels)} loudness issues"


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def audio_series(found: SessionAudio) -> list[TimeSeriesPoints]:
    """The volume series per channel, then the momentary and short-term loudness."""
    series = []
    for index in range(found.channels):
        name = channel_name(index, found.channels)
        info = SeriesInfo(
            f"audio_volume{channel_suffix(index, found.channels)}",
            f"Audio volume ({name})",
            "audio",
            VOLUME_UNITS,
        )
        values = found.volume[:, index].round(4)
        series.append(TimeSeriesPoints(info, found.volume_t_ms.tolist(), values.tolist()))
    for key, name, which in (
        ("audio_momentary_lufs", "Momentary loudness (400 ms)", "momentary"),
        ("audio_short_term_lufs", "Short-term loudness (3 s)", "short_term"),
    ):
        t_ms, lufs = _loudness(found, which)
        series.append(TimeSeriesPoints(SeriesInfo(key, name, "audio", "LUFS"), t_ms, lufs))
    return series


def _loudness(found: SessionAudio, which: str) -> tuple[list[float], list[float]]:
    t_ms = getattr(found, f"{which}_t_ms")
    values = getattr(found, f"{which}_lufs")
    return t_ms.tolist(), values.round(2).tolist()


def issue_labels(session: Session, found: SessionAudio) -> list[Label]:
    """One ``audio-loudness-issue`` label per issue, all in one label group."""
    group = new_id()
    created = now_s()
    return [
        Label(
            id=new_id(),
            session_id=session.id,
            org_id=session.org_id,
            label_group_id=group,
            label_type=ISSUE_TYPE,
            start_ms=round(issue.start_ms, 3),
            end_ms=round(issue.end_ms, 3),
            ts_start=session.ts_start + issue.start_ms / 1000.0,
            ts_end=session.ts_start + issue.end_ms / 1000.0,
            created_at=created,
            name=issue.kind,
            category="audio loudness issue",
            data={
                "issue": issue.kind,
                "short_term_lufs": issue.extreme_lufs,
                "limit_lufs": issue.limit_lufs,
            },
            source_label_id=f"{SOURCE_ID}:{session.id}",
        )
        for issue in found.issues
    ]


def _messages(found: SessionAudio, labels: Sequence[Label]) -> dict[str, str]:
    volume, momentary, issues = SESSION_AUDIO_KEYS
    if found.integrated_lufs is None:
        loudness = "Integrated loudness undetermined: only silence or extremely low noise."
    else:
        loudness = f"Integrated loudness {found.integrated_lufs:.1f} LUFS."
    return {
        volume: f"Audio volume of {found.channels} channel(s) measured.",
        momentary: loudness,
        issues: f"{len(labels)} loudness issue(s) found.",
    }
