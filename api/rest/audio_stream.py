"""``/api/v1/audio/stream``: a WebSocket that analyses live 16-bit PCM, one message per step.

Query: ``models`` (required), ``output_period`` (ms, default 1024), ``volume_threshold``,
``include_raw_values``, ``sample_rate`` (16000 only) and ``channels`` (1 only). The client
authenticates like every route, with ``X-API-Key`` or ``Authorization: Bearer`` on the upgrade
request, then sends binary frames of little-endian int16 samples (split anywhere) and, to end,
the text ``end``: any steps still being computed follow and the server closes (1000).

Each output step is answered as a JSON text message in the single-time-step format
(``{"timestamp", "results", "raw"?}``) as soon as the step has arrived: its context windows
trail it (they end at the step's end), so a result describes the audio its window is centred on,
0.5 s back for speech, 1 s for emotions, 1.5 s for gender and arousal. A refused stream
gets a message ``{"error": {"code", "message"}}`` and a close frame whose reason repeats the
message (cut to the 123 bytes a close frame holds): 4401 unauthenticated, 4403 without the
``file`` scope, 4400 a bad parameter or an unavailable model, 1003 a text frame other than
``end``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.datastructures import Headers
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from analysis.audio_jobs import InvalidParameter, ModelUnavailable
from api.services.audio_stream import AudioStream, open_stream
from api.services.auth import authenticate
from graph.errors import ReelgraphError

log = logging.getLogger(__name__)

END = "end"
CLOSE_REASON_BYTES = 123
_DISCONNECTED = object()


async def _refuse(websocket: WebSocket, close_code: int, code: str, message: str) -> None:
    await websocket.send_json({"error": {"code": code, "message": message}})
    reason = message.encode()[:CLOSE_REASON_BYTES].decode(errors="ignore")
    await websocket.close(close_code, reason)


async def _open(websocket: WebSocket) -> AudioStream | None:
    """The stream, or None once the connection was refused with its reason."""
    state = websocket.app.state.reelgraph
    headers = Headers(scope=websocket.scope)
    try:
        principal = await authenticate(
            state, headers.get("x-api-key"), headers.get("authorization")
        )
    except ReelgraphError as exc:
        await _refuse(websocket, 4401, str(exc.code), exc.message)
        return None
    if not principal.has_scope("file"):
        await _refuse(websocket, 4403, "FORBIDDEN", "this key lacks the 'file' scope")
        return None
    try:
        return open_stream(dict(websocket.query_params), state.settings)
    except (InvalidParameter, ModelUnavailable) as exc:
        await _refuse(websocket, 4400, exc.code, str(exc))
        return None


async def audio_stream(websocket: WebSocket) -> None:
    await websocket.accept()
    stream = await _open(websocket)
    if stream is None:
        return
    frames: asyncio.Queue[bytes | str | object] = asyncio.Queue()
    reader = asyncio.create_task(_read(websocket, frames))
    try:
        while True:
            received = [await frames.get()]
            while not frames.empty():  # everything that came during the last analysis
                received.append(frames.get_nowait())
            final = False
            for item in received:
                if item is _DISCONNECTED:
                    return
                if isinstance(item, bytes):
                    stream.feed(item)
                elif item == END:
                    final = True
                else:
                    await websocket.close(1003, f"text frames other than {END!r} are not accepted")
                    return
            for message in await stream.messages(final=final):
                await websocket.send_json(message)
            if final:
                await websocket.close(1000)
                return
    except WebSocketDisconnect:
        return
    except Exception:
        log.exception("audio stream failed")
        if websocket.application_state is WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await websocket.close(1011, "the analysis failed; see the server log")
    finally:
        reader.cancel()


async def _read(websocket: WebSocket, frames: asyncio.Queue[bytes | str | object]) -> None:
    """Queue the client's frames as they come, so analysis never holds up reading."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            frames.put_nowait(_DISCONNECTED)
            return
        if message.get("bytes") is not None:
            frames.put_nowait(message["bytes"])
        else:
            text = str(message.get("text") or "").strip()
            frames.put_nowait(text)
            if text == END:
                return
