"""A local OpenID Connect issuer: an EC key, its JWKS served on 127.0.0.1, and ID tokens."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

ISSUER = "https://issuer.test"
AUDIENCE = "reelgraph-labelling-test"


@dataclass
class LocalIssuer:
    key: ec.EllipticCurvePrivateKey
    jwks_url: str

    def id_token(self, sub: str, **overrides: Any) -> str:
        """A token for ``sub``; ``overrides`` replace claims (``signing_key``: another key,
        ``algorithm``: another header ``alg`` than the JWKS key's ES256)."""
        key = overrides.pop("signing_key", None) or self.key
        algorithm = overrides.pop("algorithm", "ES256")
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + 300}
        claims.update(overrides)
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": "test-key"})


@contextmanager
def local_issuer() -> Iterator[LocalIssuer]:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "ES256"}]})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield LocalIssuer(key, f"http://127.0.0.1:{server.server_port}/jwks.json")
    finally:
        server.shutdown()
        server.server_close()
