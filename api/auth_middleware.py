"""ASGI middleware: every request but the public ones needs an API key or a JWT (else 401)."""

from __future__ import annotations

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi_errors import send_error
from api.json_limits import loads_json
from api.services.auth import authenticate
from api.services.labelling.clip_urls import signed_clip_principal
from graph.errors import ErrorCode, ReelgraphError

# the labelling pages sign labellers in themselves (labellingLogin, then a bearer token)
PUBLIC_PATHS = frozenset({"/healthz", "/.well-known/jwks.json", "/label", "/gallery"})
PUBLIC_PREFIXES = ("/graphql/static/", "/labelling/static/")
MAX_LOGIN_BODY = 16 * 1024
# Mutations that exchange what their arguments carry for a token: no header needed.
LOGIN_FIELDS = frozenset({"login", "labellingLogin"})


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
        # WebSockets authenticate in graphql-transport-ws connection_init (see api.app), or
        # on connecting to the audio stream (see api.rest.audio_stream).
        if scope["type"] != "http" or _is_public(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        state = scope["app"].state.reelgraph
        if _is_graphql_post(scope) and not (
            headers.get("x-api-key") or headers.get("authorization")
        ):
            body = await _read_body(receive)
            if body is not None and is_login_only(body):
                # login exchanges the API key in its arguments for a JWT: no header needed
                await self.app(scope, _replay(body), send)
                return
        try:
            principal = signed_clip_principal(
                state.jwt_secret, scope["path"], scope.get("query_string", b"").decode()
            ) or await authenticate(state, headers.get("x-api-key"), headers.get("authorization"))
        except ReelgraphError as exc:
            await send_error(scope, send, exc, 401)
            return
        if principal.labeller_id is not None and not _is_graphql_post(scope):
            # a labeller token reaches the labelling fields of GraphQL and nothing else
            only = ReelgraphError(
                "a labeller token only reaches /graphql", code=ErrorCode.LABELLER_ONLY
            )
            await send_error(scope, send, only)
            return
        if principal.labeller_id is None and not principal.has_scope("file"):
            forbidden = ReelgraphError("this key lacks the 'file' scope", code=ErrorCode.FORBIDDEN)
            await send_error(scope, send, forbidden)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def _is_graphql_post(scope: Scope) -> bool:
    return bool(scope["path"] == "/graphql" and scope["method"] == "POST")


async def _read_body(receive: Receive) -> bytes | None:
    """The request body when it is small enough to be a login; None for anything larger."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_LOGIN_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def is_login_only(body: bytes) -> bool:
    """True for a GraphQL request whose only operation selects only ``login``."""
    try:
        payload = loads_json(body)  # a deeply nested body is no login: 401, not a 500
        document = parse(payload["query"])
    except (ValueError, KeyError, TypeError, GraphQLError, RecursionError):
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or len(document.definitions) != 1:
        return False
    operation = operations[0]
    selections = operation.selection_set.selections
    return (
        operation.operation is OperationType.MUTATION
        and len(selections) == 1
        and isinstance(selections[0], FieldNode)
        and selections[0].name.value in LOGIN_FIELDS
    )
