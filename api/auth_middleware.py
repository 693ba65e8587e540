"""ASGI middleware: every request but the public ones needs an API key or a JWT (else 401)."""

from __future__ import annotations

import json

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from api.services.auth import authenticate
from graph.errors import ReelgraphError

PUBLIC_PATHS = frozenset({"/healthz"})
PUBLIC_PREFIXES = ("/graphql/static/",)


def _is_public(scope: Scope) -> bool:
    path = scope["path"]
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return True
    # The playground page itself (a browser GET without a query) carries no data.
    if path == "/graphql" and scope["method"] in ("GET", "HEAD"):
        return "query" not in QueryParams(scope.get("query_string", b"").decode())
    return False


class AuthMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # WebSockets authenticate in graphql-transport-ws connection_init (see api.app).
        if scope["type"] != "http" or _is_public(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        state = scope["app"].state.reelgraph
        try:
            principal = await authenticate(
                state, headers.get("x-api-key"), headers.get("authorization")
            )
        except ReelgraphError as exc:
            await _reject(scope, send, exc)
            return
        if not principal.has_scope("file"):
            await _reject(
                scope,
                send,
                ReelgraphError("this key lacks the 'file' scope", code="FORBIDDEN"),
                status=403,
            )
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


async def _reject(scope: Scope, send: Send, exc: ReelgraphError, status: int = 401) -> None:
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
