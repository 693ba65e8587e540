"""OpenID Connect ID tokens: verified against the configured issuer's JWKS.

Google Sign-In is one configuration (issuer ``https://accounts.google.com``, its JWKS URL and
the OAuth client id as audience); tests run a local issuer. The identity is the token's
``sub`` in a namespace a plain ``clientId`` cannot spell (``oidc:`` holds a colon).
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

import jwt

from graph.errors import ErrorCode, InvalidInput, Unauthenticated
from graph.settings import Settings

ALGORITHMS = ["RS256", "ES256", "ES384", "ES512"]
# Google issues both spellings; either is the same issuer.
_ISSUER_ALIASES = {"https://accounts.google.com": ("accounts.google.com",)}
MAX_ID_TOKEN = 8192
# The JWKS is fetched (at most every few minutes) with a blocking client: on a thread of its own,
# so an issuer that hangs delays ID-token logins only, never the default thread pool's work.
_JWKS_FETCHER = ThreadPoolExecutor(1, thread_name_prefix="rg-jwks")


@functools.cache
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)


async def verify_id_token(settings: Settings, token: str) -> str:
    """The labeller identity an ID token proves; INVALID_ID_TOKEN for any failure."""
    issuer, audience = settings.labelling_oidc_issuer, settings.labelling_oidc_audience
    jwks_url = settings.labelling_oidc_jwks_url
    if not (issuer and audience and jwks_url):
        raise InvalidInput(
            "no OpenID Connect issuer is configured", code=ErrorCode.OIDC_NOT_CONFIGURED
        )
    if len(token) > MAX_ID_TOKEN:
        raise Unauthenticated("invalid ID token", code=ErrorCode.INVALID_ID_TOKEN)
    try:
        client = _jwks_client(jwks_url)
        key = await asyncio.get_running_loop().run_in_executor(
            _JWKS_FETCHER, client.get_signing_key_from_jwt, token
        )
        if key.algorithm_name not in ALGORITHMS:
            raise jwt.InvalidAlgorithmError(key.algorithm_name)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[key.algorithm_name],  # the key's own: an RSA key never verifies "ES256"
            audience=audience,
            issuer=[issuer, *_ISSUER_ALIASES.get(issuer, ())],
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWKClientError, jwt.PyJWKError, jwt.InvalidTokenError, TypeError, ValueError):
        raise Unauthenticated("invalid ID token", code=ErrorCode.INVALID_ID_TOKEN) from None
    subject = claims["sub"]
    if not isinstance(subject, str) or not 0 < len(subject) <= 255:
        raise Unauthenticated("invalid ID token", code=ErrorCode.INVALID_ID_TOKEN)
    return "oidc:" + subject
