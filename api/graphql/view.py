"""The strawberry ASGI view: context per request, WebSocket auth, offline playground, and the
size limit on what a client sends (a JSON body, a WebSocket message) before it is decoded."""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.graphql.context import Context
from api.graphql.limits import QueryLimits, QueryTooLarge
from api.json_limits import JsonTooDeep, loads_json
from api.playground import playground_html
from api.request_body import BodyRefused, run_capped
from api.services.auth import authenticate
from graph.errors import ErrorCode, InvalidInput, ReelgraphError

PLAYGROUND_STATIC = "/graphql/static"
WS_MESSAGE_TOO_BIG = 1009  # RFC 6455


class ReelgraphGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, limits: QueryLimits | None = None) -> None:
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            multipart_uploads_enabled=True,  # createIdentity's gallery images
        )
        self.limits = limits or QueryLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        view = super().__call__
        limit = self.limits.max_body_bytes
        if scope["type"] == "websocket":
            await view(scope, _capped_messages(receive, send, limit), send)
        elif scope["type"] == "http" and _is_json_post(scope):
            # multipart uploads have their own, larger limit (UploadSizeLimitMiddleware)
            too_large = QueryTooLarge(f"GraphQL request bodies are limited to {limit} bytes")
            await run_capped(view, scope, receive, send, limit, too_large)
        else:
            await view(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """JSON with a nesting limit (a WebSocket message too deep closes the socket, 4400)."""
        return loads_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        """A body nested too deep answers a typed 400 (``run_guarded`` sends it)."""
        try:
            return self.decode_json(data)
        except JsonTooDeep as exc:
            raise BodyRefused(InvalidInput(exc.message, code=exc.code)) from exc
        except json.JSONDecodeError:
            return super().parse_json(data)  # strawberry's own 400

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        principal = request.scope.get("state", {}).get("principal")
        context = Context(state=request.app.state.reelgraph, principal=principal)
        if isinstance(request, WebSocket):
            context.connection_params = {"__headers__": dict(request.headers)}
        return context

    async def on_ws_connect(self, context: Context) -> None:
        """Authenticate a subscription socket from connection_init, else its upgrade headers."""
        params = context.connection_params or {}
        headers = {k.lower(): v for k, v in (params.pop("__headers__", None) or {}).items()}
        lowered = {str(k).lower(): v for k, v in params.items() if isinstance(v, str)}
        api_key = lowered.get("x-api-key") or lowered.get("apikey") or headers.get("x-api-key")
        authorization = lowered.get("authorization") or headers.get("authorization")
        try:
            principal = await authenticate(context.state, api_key, authorization)
        except ReelgraphError as exc:
            raise ConnectionRejectionError({"code": exc.code, "message": exc.message}) from exc
        if principal.labeller_id is None and not principal.has_scope("file"):
            # the same rule as POST /graphql (api/auth_middleware.py)
            raise ConnectionRejectionError(
                {"code": ErrorCode.FORBIDDEN, "message": "this key lacks the 'file' scope"}
            )
        context.principal = principal

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(playground_html(PLAYGROUND_STATIC))


def _is_json_post(scope: Scope) -> bool:
    """A POST whose body strawberry decodes as JSON: anything but multipart."""
    content_type = Headers(scope=scope).get("content-type", "").lower()
    return bool(scope["method"] == "POST" and not content_type.startswith("multipart/"))


def _capped_messages(receive: Receive, send: Send, limit: int) -> Receive:
    """``receive`` that closes the socket (1009) on a message over ``limit`` characters,
    before strawberry decodes it; the view sees the client go."""

    async def capped() -> Message:
        message = await receive()
        if message["type"] == "websocket.receive":
            size = len(message.get("text") or "") + len(message.get("bytes") or b"")
            if size > limit:
                reason = f"messages are limited to {limit} bytes"
                await send(
                    {"type": "websocket.close", "code": WS_MESSAGE_TOO_BIG, "reason": reason}
                )
                return {"type": "websocket.disconnect", "code": WS_MESSAGE_TOO_BIG}
        return message

    return capped
