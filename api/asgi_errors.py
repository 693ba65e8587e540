"""Typed error responses sent from ASGI middleware, before any route or GraphQL view runs."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import ReelgraphError
from graph.outages import store_outage

log = logging.getLogger(__name__)


async def send_error(
    scope: Scope, send: Send, exc: ReelgraphError, status: int | None = None
) -> None:
    """GraphQL's ``{errors: [...]}`` on /graphql, else ``{success: false, error: {...}}``."""
    status = status or exc.status
    body: dict[str, Any]
    if scope["path"] == "/graphql":
        extensions = {"code": exc.code, **exc.details}
        body = {"errors": [{"message": exc.message, "extensions": extensions}]}
    else:
        body = {"success": False, "error": {"code": exc.code, "message": exc.message}}
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="reelgraph"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class StoreOutageMiddleware:
    """A request that a store's outage fails before its response started gets the typed 503
    ``STORE_UNAVAILABLE`` (authentication reads the graph too), not a 500 with a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            outage = store_outage(exc)
            if outage is None or started:
                raise
            log.warning("%s %s failed: %s", scope["method"], scope["path"], outage.message)
            await send_error(scope, send, outage)
