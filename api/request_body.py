"""ASGI middleware that bounds how a request body is read: how slowly, and (for GraphQL
uploads) how much.

Both work on ``receive``: when a body breaks a bound, the app's next read raises
:class:`BodyRefused`, every later read sees a disconnect, whatever the app answers is dropped,
and the client gets the refusal as a JSON error instead (``{success: false, error: {code,
message}}``, or GraphQL's ``errors`` list on ``/graphql``) with ``Connection: close``, since the
rest of the body is never read.
"""

from __future__ import annotations

import asyncio
import time

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi_errors import send_error
from graph.errors import ErrorCode, PayloadTooLarge, ReelgraphError

GRAPHQL_PATH = "/graphql"


class BodyReadTimeout(ReelgraphError):
    code = ErrorCode.BODY_READ_TIMEOUT


class BodyRefused(Exception):
    """Raised into the app by a guarded ``receive``; carries the error for the client."""

    def __init__(self, error: ReelgraphError) -> None:
        super().__init__(error.message)
        self.error = error


async def send_refusal(scope: Scope, send: Send, error: ReelgraphError) -> None:
    """The typed JSON error, closing the connection: the rest of the body is never read."""

    async def closing(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message["headers"], (b"connection", b"close")]}
        await send(message)

    await send_error(scope, closing, error)


async def run_guarded(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run ``app`` with a ``receive`` that may raise :class:`BodyRefused` (or raising it
    itself), then answer it."""
    refused: BodyRefused | None = None
    started = False

    async def guarded_receive() -> Message:
        nonlocal refused
        if refused is not None:
            return {"type": "http.disconnect"}
        try:
            return await receive()
        except BodyRefused as exc:
            refused = exc
            raise

    async def guarded_send(message: Message) -> None:
        nonlocal started
        if refused is None:
            started = started or message["type"] == "http.response.start"
            await send(message)

    try:
        await app(scope, guarded_receive, guarded_send)
    except BodyRefused as exc:  # raised by the app itself, e.g. while decoding the body
        refused = refused or exc
    except Exception:
        if refused is None:
            raise
    if refused is not None and not started:
        await send_refusal(scope, send, refused.error)


async def run_capped(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int, error: ReelgraphError
) -> None:
    """Run ``app`` on a body of at most ``limit`` bytes: a larger declared length is refused
    at once, and a body that grows past it while streaming is refused at that byte."""
    declared = Headers(scope=scope).get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        await send_refusal(scope, send, error)
        return
    received = 0

    async def counted_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyRefused(error)
        return message

    await run_guarded(app, scope, counted_receive, send)


class BodyReadTimeoutMiddleware:
    """408 when the next body chunk takes longer than ``idle_s``, or the body than ``total_s``.

    Only reads of an unfinished body are timed: once the last chunk has arrived, ``receive``
    waits for a disconnect as long as a streaming response needs it to.
    """

    def __init__(self, app: ASGIApp, *, idle_s: float, total_s: float) -> None:
        self.app = app
        self.idle_s = idle_s
        self.total_s = total_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        finished = False

        async def timed_receive() -> Message:
            nonlocal deadline, finished
            if finished:
                return await receive()
            now = time.monotonic()
            deadline = now + self.total_s if deadline is None else deadline
            try:
                async with asyncio.timeout(min(self.idle_s, deadline - now)):
                    message = await receive()
            except TimeoutError:
                error = BodyReadTimeout("the request body arrived too slowly")
                raise BodyRefused(error) from None
            finished = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await run_guarded(self.app, scope, timed_receive, send)


class UploadSizeLimitMiddleware:
    """413 once a multipart ``POST /graphql`` body passes ``max_bytes``, counted as it streams.

    strawberry parses uploads with Starlette's form parser, which stores every file before the
    resolver runs; this stops the body at the limit instead of after it has been stored.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _applies(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != GRAPHQL_PATH:
            return False
        content_type = Headers(scope=scope).get("content-type", "")
        return content_type.lower().startswith("multipart/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._applies(scope):
            await self.app(scope, receive, send)
            return
        too_large = PayloadTooLarge(f"GraphQL uploads are limited to {self.max_bytes} bytes")
        await run_capped(self.app, scope, receive, send, self.max_bytes, too_large)
