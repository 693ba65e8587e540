"""The ``ingest`` job: fetch if needed, probe, keyframe index, 16 kHz audio, then READY."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from analysis.errors import MediaError
from analysis.media.audio import extract_wav_16k_mono
from analysis.media.keyframes import PacketScan, scan_video_packets
from analysis.media.probe import MediaInfo, probe
from graph.analyses import AnalysisState
from graph.sessions import Session, SessionStatus
from graph.state import AppState
from workers.chunks import start_chunks
from workers.face_trace import start_face_trace
from workers.fetch import download
from workers.progress import report
from workers.registry import INGEST_KEY as INGEST_KEY
from workers.requests import fail_waiting_requests, queue_waiting_requests
from workers.runner import Failed, guarded, in_pool
from workers.session_audio import start_session_audio
from workers.vmaf import start_vmaf_from_tags

# Fewer readable packets than this share of the advertised frames means a truncated file.
MIN_READABLE_SHARE = 0.9


async def ingest(ctx: dict[str, Any], *, session_id: str) -> str:
    """Idempotent: a READY session is left alone; a failed one can be ingested again."""
    state: AppState = ctx["state"]
    session = await state.sessions.get(session_id, None)
    if session is None:
        return "session deleted"
    if session.status is SessionStatus.READY:
        return "already ingested"
    await state.sessions.update(session_id, {"status": SessionStatus.INGESTING.value})
    await report(state, session_id, INGEST_KEY, AnalysisState.RUNNING, progress=0.0)

    async def fail(message: str) -> None:
        await _fail(state, session_id, message)

    props = await guarded(
        _ingest_media(ctx, session),
        fail=fail,
        internal="internal error while ingesting; see the worker log",
        context=f"ingest of session {session_id}",
        expected=(MediaError,),
    )
    if isinstance(props, Failed):
        return str(props)
    await state.sessions.update(session_id, {**props, "status": SessionStatus.READY.value})
    await report(
        state, session_id, INGEST_KEY, AnalysisState.DONE, progress=1.0, message="Ingest completed."
    )
    if props.get("kind") == "video" and state.settings.chunks_on_ingest:
        await start_chunks(state, session_id)
    if props.get("kind") == "video" and state.settings.face_trace_on_ingest:
        await start_face_trace(state, session_id)
    if props.get("has_audio") and state.settings.audio_analyses_on_ingest:
        await start_session_audio(state, session_id)
    ready = await state.sessions.get(session_id, None)
    if ready is not None:
        await queue_waiting_requests(state, ready)
        await start_vmaf_from_tags(state, ready)
    return "ready"


async def _fail(state: AppState, session_id: str, message: str) -> None:
    await state.sessions.update(session_id, {"status": SessionStatus.ERROR.value, "error": message})
    await report(state, session_id, INGEST_KEY, AnalysisState.ERROR, message=message)
    failed = await state.sessions.get(session_id, None)
    if failed is not None:
        reason = f"the session's media could not be ingested: {message}"
        await fail_waiting_requests(state, failed, reason)


async def _ingest_media(ctx: dict[str, Any], session: Session) -> dict[str, Any]:
    state: AppState = ctx["state"]
    media_dir = state.settings.media_dir / session.id
    media_dir.mkdir(parents=True, exist_ok=True)
    if session.media_path:
        source = Path(session.media_path)
    else:
        if not session.source_url:
            raise MediaError("the session has neither an upload nor a URL")
        source = media_dir / "source"
        if not source.exists():
            await download(
                session.source_url,
                source,
                max_bytes=state.settings.url_fetch_max_bytes,
                timeout_s=state.settings.url_fetch_timeout_s,
                allow_private=state.settings.url_allow_private,
            )
    await report(state, session.id, INGEST_KEY, AnalysisState.RUNNING, progress=0.2)

    check_probe = partial(probe, source, max_pixels=state.settings.max_video_pixels)
    info: MediaInfo = await in_pool(ctx, check_probe)
    await report(state, session.id, INGEST_KEY, AnalysisState.RUNNING, progress=0.4)
    props: dict[str, Any] = {
        "media_path": str(source),
        "kind": info.kind,
        "duration_ms": info.duration_ms,
        "fps": info.fps,
        "frame_count": info.frame_count,
        "width": info.width,
        "height": info.height,
        "video_codec": info.video_codec,
        "has_audio": info.has_audio,
        "channels": info.channels,
        "sample_rate": info.sample_rate,
        "size_bytes": info.size_bytes,
        "error": None,
    }
    if info.has_video:
        scan: PacketScan = await in_pool(ctx, partial(scan_video_packets, source))
        expected = info.frame_count or 0
        if scan.packet_count == 0 or (
            expected and scan.packet_count < expected * MIN_READABLE_SHARE
        ):
            raise MediaError(
                f"the video is truncated or corrupt: {scan.packet_count} of {expected} frames "
                "readable"
            )
        props["frame_count"] = scan.packet_count
        await state.keyframes.replace(session.id, scan.keyframes)
    await report(state, session.id, INGEST_KEY, AnalysisState.RUNNING, progress=0.7)
    if info.has_audio:
        wav = media_dir / "audio_16k_mono.wav"
        await in_pool(ctx, partial(extract_wav_16k_mono, source, wav))
        props["audio_path"] = str(wav)
    return props
