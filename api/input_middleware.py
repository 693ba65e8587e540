"""ASGI middleware: a request whose path or query string carries an unstorable string is a 400.

Starlette percent-decodes both, so ``%00`` arrives in a path parameter (a session id, a chunk
id) or a query parameter as a real NUL; refusing it here covers every route at once.
"""

from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from api.asgi_errors import send_error
from api.input_strings import InvalidString, check_strings


class InputStringsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                check_strings(scope["path"], "the path")
                query = QueryParams(scope.get("query_string", b""))
                check_strings(query.multi_items(), "the query string")
            except InvalidString as exc:
                await send_error(scope, send, exc)
                return
        await self.app(scope, receive, send)
