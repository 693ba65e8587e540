"""Typed error responses sent from ASGI middleware, before any route or GraphQL view runs."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Scope, Send

from graph.errors import ReelgraphError


async def send_error(
    scope: Scope, send: Send, exc: ReelgraphError, status: int | None = None
) -> None:
    """GraphQL's ``{errors: [...]}`` on /graphql, else ``{success: false, error: {...}}``."""
    status = status or exc.status
    body: dict[str, Any]
    if scope["path"] == "/graphql":
        body = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
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
