"""A session's packet capture: ``attachPcap`` (checked, then summed up by a job) and
``pcapStats`` (answered from the summary, with HeadSpin-compatible timeout rules)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from analysis.pcap.reader import CaptureError, NotACapture, TruncatedCapture, check_capture
from analysis.pcap.stats import INDEXES, PROTOCOLS, UNITS
from analysis.pcap.stats import pcap_stats as stats_of
from api.services.analyses import wait_budget_s
from api.services.sessions import require_session
from api.services.state import AppState, Principal
from graph.errors import Conflict, ErrorCode, InvalidInput, NotFound
from graph.events import wait_for
from graph.pcaps import PcapStore, SessionPcap
from graph.sessions import Session
from workers.pcap import start_pcap_stats

CAPTURE_NAME = "capture.pcap"


def _capture_error(exc: CaptureError) -> InvalidInput:
    if isinstance(exc, TruncatedCapture):
        return InvalidInput(str(exc), code=ErrorCode.TRUNCATED_CAPTURE)
    return InvalidInput(
        str(exc) if isinstance(exc, NotACapture) else f"the capture is not readable: {exc}",
        code=ErrorCode.NOT_A_CAPTURE,
    )


async def attach_pcap(
    state: AppState, principal: Principal, session_id: str, upload_id: str
) -> Session:
    """Check the uploaded capture whole, move it beside the session's media, queue its stats.

    A file that is not a capture, or that ends inside a record, is refused before anything is
    written; the upload stays unused then.
    """
    session = await require_session(state, principal, session_id)
    upload = await state.uploads.get(upload_id, principal.org_id)
    if upload is None:
        raise NotFound(f"upload {upload_id} not found", code=ErrorCode.UPLOAD_NOT_FOUND)
    if upload.session_id is not None:
        raise Conflict(f"upload {upload_id} is already in use", code=ErrorCode.UPLOAD_IN_USE)
    try:
        await asyncio.to_thread(check_capture, Path(upload.path))
    except CaptureError as exc:
        raise _capture_error(exc) from None
    if not await state.uploads.claim(upload.id, session.id):
        raise Conflict(f"upload {upload_id} is already in use", code=ErrorCode.UPLOAD_IN_USE)
    target = state.settings.media_dir / session.id / f"{upload.id}-{CAPTURE_NAME}"
    target.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(os.replace, upload.path, target)
    store = PcapStore(state.pool)
    previous = await store.get(session.id)
    await store.attach(session.id, principal.org_id, upload.id, str(target))
    if previous is not None and previous.path != str(target):
        Path(previous.path).unlink(missing_ok=True)
    await start_pcap_stats(state, session.id, upload.id)
    return session


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidInput(
            f"{name} must be one of {', '.join(allowed)} (got {value!r:.40})",
            code=ErrorCode.INVALID_PARAMETER,
            field=name,
        )


async def pcap_stats(
    state: AppState,
    principal: Principal,
    session_id: str,
    *,
    protocol: str | None,
    units: str,
    index: str,
    timeout: float | None,
) -> dict[str, Any]:
    """The seed's ``{"hosts": ...}`` for one question, once the capture's summary exists.

    While it does not when ``timeout`` runs out: ``{"status": "timeout", "message", ...}``.
    A capture whose summary failed raises its error.
    """
    protocol = protocol.upper() if isinstance(protocol, str) else None
    _check_choice("protocol", protocol, PROTOCOLS)
    _check_choice("units", units, UNITS)
    _check_choice("index", index, INDEXES)
    session = await require_session(state, principal, session_id)
    store = PcapStore(state.pool)

    async def finished() -> SessionPcap | None:
        capture = await store.get(session.id, principal.org_id)
        if capture is None:
            raise NotFound(
                f"session {session.id} has no capture; attach one with attachPcap",
                code=ErrorCode.NO_PCAP,
            )
        return capture if capture.state in ("done", "error") else None

    budget = wait_budget_s(state, timeout)
    capture = await wait_for(state.redis, session.id, finished, budget)
    if capture is None:
        return {
            "status": "timeout",
            "message": f"Timeout waiting {budget:g} seconds for the PCAP stats.",
            "session_id": session.id,
        }
    if capture.state == "error":
        raise InvalidInput(
            capture.message or "the capture could not be read", code=ErrorCode.NOT_A_CAPTURE
        )
    return stats_of(capture.summary or {}, protocol=protocol, units=units, index=index)
