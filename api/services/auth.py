"""Authentication: API keys (hash stored), JWTs signed by the server's key, and revocation.

A JWT names the API key it was issued for (``sub``); it is accepted only while that key is
active, so revoking a key ends its tokens too. Key lookups are cached per process, and every
cached answer carries the revocation count it was read under: a revocation (from any process,
the CLI included) bumps the count in Redis, which every API process reads on each request, so
no process serves a revoked key from its cache.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import jwt

from api.services.labelling.tokens import LABELLER_TYP, labeller_principal, token_type
from api.services.state import AppState, Principal
from graph.errors import ErrorCode, InvalidInput, NotFound, Unauthenticated
from graph.orgs import ApiKey, OrgStore, hash_api_key
from graph.settings import Settings

SCOPES = ("file", "system")
JWT_ALGORITHM = "HS256"
# Without a revocation in between, a lookup (a miss too) is reused this long.
KEY_CACHE_TTL_S = 30.0
KEY_CACHE_MAX = 10_000
REVOCATIONS_KEY = "reelgraph:auth:revocations"


@dataclass(frozen=True)
class _Cached:
    expires: float
    revocations: int
    key: ApiKey | None


_key_cache: dict[str, _Cached] = {}


def new_api_key() -> str:
    return "rg_" + secrets.token_urlsafe(32)


def check_scopes(scopes: Sequence[str]) -> tuple[str, ...]:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise InvalidInput(
            f"scopes must be some of {', '.join(SCOPES)}", code=ErrorCode.INVALID_SCOPE
        )
    return tuple(dict.fromkeys(scopes))


def check_email(email: str) -> str:
    """An owner email: one ``@`` between non-empty parts, no spaces, at most 254 characters."""
    email = email.strip()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email or len(email) > 254:
        raise InvalidInput(f"{email!r} is not an email address", code=ErrorCode.INVALID_EMAIL)
    return email


def check_ttl(settings: Settings, ttl_s: int | None) -> int:
    """A token lifetime: the configured default, or one from 1 s to REELGRAPH_JWT_TTL_MAX_S."""
    longest = settings.jwt_ttl_max_s
    if ttl_s is None:
        return max(1, min(settings.jwt_ttl_s, longest))
    if not 0 < ttl_s <= longest:
        raise InvalidInput(
            f"the token lifetime must be 1 to {longest} seconds", code=ErrorCode.INVALID_TTL
        )
    return ttl_s


async def create_api_key(
    orgs: OrgStore,
    org_name: str,
    scopes: Sequence[str] = ("file",),
    name: str | None = None,
    project_id: str | None = None,
    email: str | None = None,
) -> tuple[str, str]:
    """Create the org if needed and a key for it; returns (key, org_id). Only the hash is kept.

    ``project_id`` names the project the key's calls act for (the ``project_id`` claim of the
    signed download requests its audio jobs make); ``email`` its owner (the uploader its query
    images name).
    """
    if not org_name.strip():
        raise InvalidInput("org name must not be empty", code=ErrorCode.INVALID_ORG)
    project = project_id.strip() if project_id is not None else None
    if project_id is not None and not project:
        raise InvalidInput("project must not be empty", code=ErrorCode.INVALID_ORG)
    owner = check_email(email) if email is not None else None
    org = await orgs.ensure_org(org_name.strip())
    key = new_api_key()
    await orgs.create_api_key(org.id, key, check_scopes(scopes), name, project, owner)
    return key, org.id


async def revoke_api_key(state: AppState, key_id: str) -> ApiKey:
    """Revoke a key and, with it, every JWT issued for it; effective in every API process."""
    revoked = await state.orgs.revoke_api_key(key_id)
    if revoked is None:
        raise NotFound(f"API key {key_id} not found", code=ErrorCode.API_KEY_NOT_FOUND)
    await state.redis.incr(REVOCATIONS_KEY)  # after the write: a reader never caches stale
    _key_cache.clear()
    return revoked


async def _active_key(
    state: AppState, cache_key: str, load: Callable[[], Awaitable[ApiKey | None]]
) -> ApiKey | None:
    revocations = int(await state.redis.get(REVOCATIONS_KEY) or 0)
    now = time.monotonic()
    cached = _key_cache.get(cache_key)
    if cached is not None and cached.expires > now and cached.revocations == revocations:
        return cached.key
    found = await load()
    if len(_key_cache) >= KEY_CACHE_MAX:  # random keys must not grow it without bound
        _key_cache.clear()
    _key_cache[cache_key] = _Cached(now + KEY_CACHE_TTL_S, revocations, found)
    return found


async def principal_for_api_key(state: AppState, key: str) -> Principal:
    found = await _active_key(
        state, "key:" + hash_api_key(key), lambda: state.orgs.find_api_key(key)
    )
    if found is None:
        raise Unauthenticated("invalid API key", code=ErrorCode.INVALID_API_KEY)
    return Principal(
        org_id=found.org_id,
        scopes=frozenset(found.scopes),
        key_id=found.id,
        project_id=found.project_id,
        email=found.email,
    )


def issue_jwt(secret: str, principal: Principal, ttl_s: int) -> str:
    """A token for the principal's API key (``sub``): it lives no longer than that key."""
    if principal.key_id is None:
        raise InvalidInput("tokens are issued for an API key", code=ErrorCode.INVALID_PRINCIPAL)
    now = int(time.time())
    claims = {
        "sub": principal.key_id,
        "org": principal.org_id,
        "scopes": sorted(principal.scopes),
        "iat": now,
        "exp": now + ttl_s,
    }
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


async def principal_for_jwt(state: AppState, token: str) -> Principal:
    """The token's principal, while its signature, expiry and API key are all valid."""
    try:
        claims = jwt.decode(
            token, state.jwt_secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token expired", code=ErrorCode.TOKEN_EXPIRED) from None
    except jwt.InvalidTokenError:
        raise Unauthenticated("invalid token", code=ErrorCode.INVALID_TOKEN) from None
    org, scopes, key_id = claims.get("org"), claims.get("scopes"), claims.get("sub")
    if not isinstance(org, str) or not isinstance(scopes, list) or not isinstance(key_id, str):
        raise Unauthenticated("token lacks org, scope and key claims", code=ErrorCode.INVALID_TOKEN)
    key = await _active_key(state, "id:" + key_id, lambda: state.orgs.find_api_key_by_id(key_id))
    if key is None or key.org_id != org:
        raise Unauthenticated("the token's API key was revoked", code=ErrorCode.TOKEN_REVOKED)
    granted = frozenset(str(s) for s in scopes) & frozenset(key.scopes)
    return Principal(
        org_id=org, scopes=granted, key_id=key_id, project_id=key.project_id, email=key.email
    )


async def authenticate(
    state: AppState, api_key: str | None, authorization: str | None
) -> Principal:
    """The principal for an ``X-API-Key`` or ``Authorization: Bearer`` credential, else 401."""
    if api_key:
        return await principal_for_api_key(state, api_key.strip())
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated(
                "Authorization must be 'Bearer <token>'", code=ErrorCode.INVALID_TOKEN
            )
        if token_type(token.strip()) == LABELLER_TYP:  # a crowd labeller: no API key behind it
            return labeller_principal(state.jwt_secret, token.strip())
        return await principal_for_jwt(state, token.strip())
    raise Unauthenticated("missing X-API-Key or Authorization: Bearer header")


async def login(state: AppState, api_key: str, ttl_s: int | None) -> tuple[str, int]:
    """Exchange an API key for a JWT; returns (token, expires_in seconds)."""
    ttl = check_ttl(state.settings, ttl_s)
    principal = await principal_for_api_key(state, api_key)
    return issue_jwt(state.jwt_secret, principal, ttl), ttl
