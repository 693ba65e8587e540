"""Authentication: API keys (hash stored) and JWTs signed by the server's key."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence

import jwt

from api.services.state import AppState, Principal
from graph.errors import InvalidInput, Unauthenticated
from graph.orgs import OrgStore

SCOPES = ("file", "system")
JWT_ALGORITHM = "HS256"
# Lookups (misses too) are cached briefly; a revoked key stops working within this time.
KEY_CACHE_TTL_S = 30.0
KEY_CACHE_MAX = 10_000
_key_cache: dict[str, tuple[float, Principal | None]] = {}


def new_api_key() -> str:
    return "rg_" + secrets.token_urlsafe(32)


def check_scopes(scopes: Sequence[str]) -> tuple[str, ...]:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise InvalidInput(f"scopes must be some of {', '.join(SCOPES)}", code="INVALID_SCOPE")
    return tuple(dict.fromkeys(scopes))


async def create_api_key(
    orgs: OrgStore, org_name: str, scopes: Sequence[str] = ("file",), name: str | None = None
) -> tuple[str, str]:
    """Create the org if needed and a key for it; returns (key, org_id). Only the hash is kept."""
    if not org_name.strip():
        raise InvalidInput("org name must not be empty", code="INVALID_ORG")
    org = await orgs.ensure_org(org_name.strip())
    key = new_api_key()
    await orgs.create_api_key(org.id, key, check_scopes(scopes), name)
    return key, org.id


async def principal_for_api_key(state: AppState, key: str) -> Principal:
    now = time.monotonic()
    cached = _key_cache.get(key)
    if cached is not None and cached[0] > now:
        principal = cached[1]
    else:
        found = await state.orgs.find_api_key(key)
        principal = (
            Principal(org_id=found.org_id, scopes=frozenset(found.scopes), key_id=found.id)
            if found
            else None
        )
        if len(_key_cache) >= KEY_CACHE_MAX:  # random keys must not grow it without bound
            _key_cache.clear()
        _key_cache[key] = (now + KEY_CACHE_TTL_S, principal)
    if principal is None:
        raise Unauthenticated("invalid API key", code="INVALID_API_KEY")
    return principal


def issue_jwt(secret: str, principal: Principal, ttl_s: int) -> str:
    now = int(time.time())
    claims = {
        "sub": principal.key_id or principal.org_id,
        "org": principal.org_id,
        "scopes": sorted(principal.scopes),
        "iat": now,
        "exp": now + ttl_s,
    }
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


def principal_for_jwt(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp"]})
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token expired", code="TOKEN_EXPIRED") from None
    except jwt.InvalidTokenError:
        raise Unauthenticated("invalid token", code="INVALID_TOKEN") from None
    org = claims.get("org")
    scopes = claims.get("scopes")
    if not isinstance(org, str) or not isinstance(scopes, list):
        raise Unauthenticated("token lacks org and scope claims", code="INVALID_TOKEN")
    return Principal(org_id=org, scopes=frozenset(str(s) for s in scopes), key_id=claims.get("sub"))


async def authenticate(
    state: AppState, api_key: str | None, authorization: str | None
) -> Principal:
    """The principal for an ``X-API-Key`` or ``Authorization: Bearer`` credential, else 401."""
    if api_key:
        return await principal_for_api_key(state, api_key.strip())
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Authorization must be 'Bearer <token>'", code="INVALID_TOKEN")
        return principal_for_jwt(state.jwt_secret, token.strip())
    raise Unauthenticated("missing X-API-Key or Authorization: Bearer header")


async def login(state: AppState, api_key: str, ttl_s: int | None) -> tuple[str, int]:
    """Exchange an API key for a JWT; returns (token, expires_in seconds)."""
    ttl = state.settings.jwt_ttl_s if ttl_s is None else ttl_s
    if ttl <= 0 or ttl > 30 * 24 * 3600:
        raise InvalidInput("ttlSeconds must be between 1 and 2592000", code="INVALID_TTL")
    principal = await principal_for_api_key(state, api_key)
    return issue_jwt(state.jwt_secret, principal, ttl), ttl
