"""``GET /.well-known/jwks.json``: the public keys that verify signed download requests (no auth).

Read from the key files on every request, so a rotation (by ``reelgraph signing-key rotate``
in another process) shows at once; retired keys stay listed.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from graph.request_signing import load_signing_keys


async def jwks(request: Request) -> JSONResponse:
    keys = load_signing_keys(request.app.state.reelgraph.settings)
    return JSONResponse(keys.jwks(), headers={"Cache-Control": "public, max-age=300"})
