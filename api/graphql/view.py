"""The strawberry ASGI view: context per request, WebSocket auth, offline playground."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.graphql.context import Context
from api.playground import playground_html
from api.services.auth import authenticate
from graph.errors import ReelgraphError

PLAYGROUND_STATIC = "/graphql/static"


class ReelgraphGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any) -> None:
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            multipart_uploads_enabled=True,  # createIdentity's gallery images
        )

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
            context.principal = await authenticate(context.state, api_key, authorization)
        except ReelgraphError as exc:
            raise ConnectionRejectionError({"code": exc.code, "message": exc.message}) from exc

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(playground_html(PLAYGROUND_STATIC))
