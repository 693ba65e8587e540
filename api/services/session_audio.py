"""Session audio use cases: a session's loudness, and reference media for audio match."""

from __future__ import annotations

import asyncio
from pathlib import Path

from analysis.errors import MediaError
from analysis.media.probe import MediaInfo, probe
from api.services.sessions import check_source_url, require_session
from api.services.state import AppState, Principal
from graph.analyses import AnalysisState
from graph.errors import Conflict, ErrorCode, InvalidInput, NotFound, ReelgraphError
from graph.ids import new_id, now_s
from graph.media_refs import MediaRef, MediaRefStore
from graph.session_audio import LoudnessStore, SessionLoudness
from graph.sessions import SessionStatus
from workers.fetch import download
from workers.registry import SESSION_AUDIO_KEYS

# The two answers of seed 000's loudness route, word for word.
NO_AUDIO_TEXT = "The session video has no audio."
UNDETERMINED_TEXT = (
    "The integrated loudness cannot be meaningfully determined on audio that consists only of "
    "silence or extremely low noise levels."
)
MAX_NAME = 512


async def session_loudness(
    state: AppState, principal: Principal, session_id: str
) -> SessionLoudness:
    """The session's integrated loudness, range and true peak, or the seed's errors."""
    session = await require_session(state, principal, session_id)
    if session.status is not SessionStatus.READY:
        raise Conflict(f"session {session_id} is not ingested yet", code=ErrorCode.NOT_READY)
    if not session.has_audio:
        raise InvalidInput(NO_AUDIO_TEXT, code=ErrorCode.NO_AUDIO)
    found = await LoudnessStore(state.pool).get(session.id)
    if found is None:
        runs = await state.analyses.of_session(session.id, [SESSION_AUDIO_KEYS[1]])
        analysis = runs[0] if runs else None
        if analysis is not None and analysis.state is AnalysisState.ERROR:
            raise ReelgraphError(
                analysis.message or "the loudness could not be measured",
                code=ErrorCode.MEDIA_ERROR,
            )
        raise Conflict(
            "the session's loudness is still being measured; track audio-momentary-lufs",
            code=ErrorCode.LOUDNESS_PENDING,
        )
    if found.integrated_lufs is None:
        raise InvalidInput(UNDETERMINED_TEXT, code=ErrorCode.LOUDNESS_UNDETERMINED)
    return found


def _store(state: AppState) -> MediaRefStore:
    return MediaRefStore(state.graph)


async def create_media(
    state: AppState,
    principal: Principal,
    *,
    upload_id: str | None,
    url: str | None,
    name: str | None,
) -> MediaRef:
    """A reference media of an upload (its id becomes the media id) or of a URL."""
    if (upload_id is None) == (url is None):
        raise InvalidInput("give exactly one of uploadId or url", code=ErrorCode.INVALID_SOURCE)
    if name is not None and not 0 < len(name) <= MAX_NAME:
        raise InvalidInput(f"name must be 1-{MAX_NAME} characters", code=ErrorCode.INVALID_NAME)
    if upload_id is not None:
        upload = await state.uploads.get(upload_id, principal.org_id)
        if upload is None:
            raise NotFound(f"upload {upload_id} not found", code=ErrorCode.UPLOAD_NOT_FOUND)
        info = await _probe(Path(upload.path))
        if not await state.uploads.claim(upload.id, upload.id):
            raise Conflict(f"upload {upload_id} is already in use", code=ErrorCode.UPLOAD_IN_USE)
        media_id, path, name = upload.id, Path(upload.path), name or upload.filename
    else:
        assert url is not None
        media_id = new_id()
        path = await _fetch(state, check_source_url(url), media_id)
        try:
            info = await _probe(path)
        except ReelgraphError:
            path.unlink(missing_ok=True)
            raise
        name = name or url
    media = MediaRef(
        id=media_id,
        org_id=principal.org_id,
        kind=info.kind,
        media_path=str(path),
        has_audio=info.has_audio,
        created_at=now_s(),
        name=name,
        duration_ms=info.duration_ms,
    )
    return await _store(state).create(media)


async def _probe(path: Path) -> MediaInfo:
    try:
        return await asyncio.to_thread(probe, path)
    except MediaError as exc:
        raise InvalidInput(str(exc), code=ErrorCode.UNSUPPORTED_FORMAT, status=415) from None


async def _fetch(state: AppState, url: str, media_id: str) -> Path:
    folder = state.settings.media_dir / "references"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / media_id
    settings = state.settings
    try:
        await download(
            url,
            target,
            max_bytes=settings.url_fetch_max_bytes,
            timeout_s=settings.url_fetch_timeout_s,
            allow_private=settings.url_allow_private,
        )
    except MediaError as exc:
        raise ReelgraphError(str(exc), code=ErrorCode.UPSTREAM_ERROR) from None
    return target


async def get_media(state: AppState, principal: Principal, media_id: str) -> MediaRef | None:
    return await _store(state).get(media_id, principal.org_id)


async def media_ref_or_none(state: AppState, org_id: str, media_id: str) -> MediaRef | None:
    """The org's reference media of that id, or None (node())."""
    return await _store(state).get(media_id, org_id)


async def delete_media(state: AppState, principal: Principal, media_id: str) -> bool:
    """Delete a reference media and its file; REFERENCE_MEDIA_NOT_FOUND when there is none."""
    media = await _store(state).get(media_id, principal.org_id)
    if media is None:
        raise NotFound(
            f"reference media {media_id} not found", code=ErrorCode.REFERENCE_MEDIA_NOT_FOUND
        )
    await _store(state).delete(media.id, principal.org_id)
    await state.uploads.delete_for_session(media.id)
    Path(media.media_path).unlink(missing_ok=True)
    return True
