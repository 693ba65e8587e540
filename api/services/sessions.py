"""Session use cases: create from an upload or URL, read, page, tag, delete."""

from __future__ import annotations

import json
import shutil
from typing import Any
from urllib.parse import urlsplit

from api.services.media_cache import media_cache
from api.services.pagination import check_first, page_position
from api.services.state import AppState, Principal
from graph.errors import Conflict, ErrorCode, InvalidInput, NotFound
from graph.ids import encode_cursor, new_session_id, now_s, to_json
from graph.session_audio import LoudnessStore
from graph.sessions import Session, SessionStatus
from workers.progress import request as request_analysis
from workers.registry import INGEST_KEY
from workers.vmaf import VMAF_TAG, start_vmaf_from_tags

MAX_PAGE = 100
MAX_TAGS_BYTES = 16 * 1024


async def require_session(state: AppState, principal: Principal, session_id: str) -> Session:
    """The caller's session, or NOT_FOUND (another org's session does not exist for them)."""
    session = await state.sessions.get(session_id, principal.org_id)
    if session is None:
        raise NotFound(f"session {session_id} not found", code=ErrorCode.SESSION_NOT_FOUND)
    return session


def check_tags(tags: Any) -> dict[str, Any]:
    if tags is None:
        return {}
    if not isinstance(tags, dict):
        raise InvalidInput("tags must be a JSON object", code=ErrorCode.INVALID_TAGS)
    if len(json.dumps(tags)) > MAX_TAGS_BYTES:
        raise InvalidInput(
            f"tags are larger than {MAX_TAGS_BYTES} bytes", code=ErrorCode.INVALID_TAGS
        )
    return tags


def check_source_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "url must be an http or https URL with a host", code=ErrorCode.INVALID_URL
        )
    return url


async def create_session(
    state: AppState,
    principal: Principal,
    *,
    upload_id: str | None = None,
    url: str | None = None,
    name: str | None = None,
    tags: Any = None,
) -> Session:
    """Make a session of an upload (its id becomes the session id) or a URL, then ingest it."""
    if (upload_id is None) == (url is None):
        raise InvalidInput("give exactly one of uploadId or url", code=ErrorCode.INVALID_SOURCE)
    tags = check_tags(tags)
    await check_vmaf_tag(state, principal, tags, upload_id)
    if name is not None and len(name) > 512:
        raise InvalidInput("name is longer than 512 characters", code=ErrorCode.INVALID_NAME)
    props: dict[str, Any] = {
        "org_id": principal.org_id,
        "status": SessionStatus.PENDING.value,
        "ts_start": now_s(),
        "created_at": now_s(),
        "has_audio": False,
        "tags": to_json(tags),
    }
    if upload_id is not None:
        upload = await state.uploads.get(upload_id, principal.org_id)
        if upload is None:
            raise NotFound(f"upload {upload_id} not found", code=ErrorCode.UPLOAD_NOT_FOUND)
        if not await state.uploads.claim(upload.id, upload.id):
            raise Conflict(
                f"upload {upload_id} already has a session", code=ErrorCode.UPLOAD_IN_USE
            )
        props.update(id=upload.id, media_path=upload.path, name=name or upload.filename)
    else:
        assert url is not None
        props.update(id=new_session_id(), source_url=check_source_url(url), name=name or url)
    props = {k: v for k, v in props.items() if v is not None}
    session = await state.sessions.create(props)
    await request_ingest(state, session.id)
    return session


async def request_ingest(state: AppState, session_id: str) -> None:
    """Mark ingest pending and queue it; the job id makes a duplicate request a no-op."""
    await request_analysis(state, session_id, INGEST_KEY)
    await state.redis.enqueue_job("ingest", session_id=session_id, _job_id=f"ingest:{session_id}")


async def sessions_page(
    state: AppState,
    principal: Principal,
    *,
    first: int,
    after: str | None,
    name: str | None,
) -> tuple[list[tuple[Session, str]], bool]:
    """A page of the org's sessions, newest first, with each one's cursor."""
    check_first(first, MAX_PAGE)
    position = page_position(after)
    rows = await state.sessions.page(principal.org_id, limit=first + 1, name=name, after=position)
    page = rows[:first]
    return [(s, encode_cursor(s.created_at, s.id)) for s in page], len(rows) > first


async def check_vmaf_tag(
    state: AppState, principal: Principal, tags: dict[str, Any], session_id: str | None
) -> None:
    """Seed 000's ``vmaf: <reference_session_id>`` tag must name another session of the org."""
    if VMAF_TAG not in tags:
        return
    reference = tags[VMAF_TAG]
    if not isinstance(reference, str) or not reference or reference == session_id:
        raise InvalidInput(
            "the vmaf tag must be the id of another session (the VMAF reference)",
            code=ErrorCode.INVALID_TAGS,
        )
    if await state.sessions.get(reference, principal.org_id) is None:
        raise NotFound(f"reference session {reference} not found", code=ErrorCode.SESSION_NOT_FOUND)


async def set_session_tags(
    state: AppState, principal: Principal, session_id: str, tags: Any
) -> Session:
    """Replace the tags; a new ``vmaf`` tag on a ready session starts VMAF at once."""
    await require_session(state, principal, session_id)
    tags = check_tags(tags)
    await check_vmaf_tag(state, principal, tags, session_id)
    updated = await state.sessions.update(session_id, {"tags": to_json(tags)})
    assert updated is not None
    await start_vmaf_from_tags(state, updated)
    return updated


async def delete_session(state: AppState, principal: Principal, session_id: str) -> bool:
    """Delete the session with its labels, analyses, rows and media files."""
    session = await require_session(state, principal, session_id)
    await state.sessions.delete(session.id, principal.org_id)
    await state.keyframes.delete_session(session.id)
    await state.uploads.delete_for_session(session.id)
    await state.timeseries.delete_session(session.id)
    await LoudnessStore(state.pool).delete_session(session.id)
    await state.analysis_runs.delete_session(session.id)
    await state.face_detections.delete_session(session.id)
    media_cache(state.settings).drop_session(session.id)
    media = state.settings.media_dir / session.id
    if media.is_dir():
        shutil.rmtree(media, ignore_errors=True)
    return True
