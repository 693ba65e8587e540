"""OpenID Connect ID tokens: verified against the configured issuer's JWKS.

Google Sign-In is one configuration (issuer ``https://accounts.google.com``, its JWKS URL and
the OAuth client id as audience); tests run a local issuer. The identity is the token's
``sub`` in a namespace a plain ``clientId`` cannot spell (``oidc:`` holds a colon).
"""

from __future__ import annotations

import asyncio
import functools

import jwt

from graph.errors import ErrorCode, InvalidInput, Unauthenticated
from graph.settings import Settings

ALGORITHMS = ["RS256", "ES256", "ES384", "ES512"]
# Google issues both spellings; either is the same issuer.
_ISSUER_ALIASES = {"https://accounts.google.com": ("accounts.google.com",)}
MAX_ID_TOKEN = 8192


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
        key = await asyncio.to_thread(_jwks_client(jwks_url).get_signing_key_from_jwt, token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=[issuer, *_ISSUER_ALIASES.get(issuer, ())],
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWKClientError, jwt.InvalidTokenError):
        raise Unauthenticated("invalid ID token", code=ErrorCode.INVALID_ID_TOKEN) from None
    subject = claims["sub"]
    if not isinstance(subject, str) or not 0 < len(subject) <= 255:
        raise Unauthenticated("invalid ID token", code=ErrorCode.INVALID_ID_TOKEN)
    return "oidc:" + subject
