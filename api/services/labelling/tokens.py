"""Labeller and batch tokens: HS256 JWTs under the server's key, told apart by ``typ``.

A labeller token names the labeller, the org and the one campaign it was issued for, and
expires; it carries no role: the role is re-read from the store on every request, so a role
change or a blacklisting takes effect at once. A batch token lists the batch's clips and may
not be returned before its not-before time nor after its expiry.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from api.services.state import Principal
from graph.errors import ErrorCode, Unauthenticated

ALGORITHM = "HS256"
LABELLER_TYP = "labeller"
BATCH_TYP = "labelling-batch"


def issue_labeller_token(
    secret: str, *, labeller_id: str, org_id: str, campaign_id: str, connection_id: int, ttl_s: int
) -> str:
    now = int(time.time())
    claims = {
        "typ": LABELLER_TYP,
        "sub": labeller_id,
        "org": org_id,
        "cmp": campaign_id,
        "con": connection_id,
        "iat": now,
        "exp": now + ttl_s,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def token_type(token: str) -> str | None:
    """The ``typ`` claim of a JWT, read without verifying it (only to route it)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    typ = claims.get("typ")
    return typ if isinstance(typ, str) else None


def _decode(secret: str, token: str, typ: str, expired: ErrorCode, invalid: ErrorCode) -> Any:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "iat"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token expired", code=expired) from None
    except jwt.ImmatureSignatureError:
        raise Unauthenticated(
            "the batch cannot be returned yet", code=ErrorCode.BATCH_TOO_EARLY
        ) from None
    except jwt.InvalidTokenError:
        raise Unauthenticated("invalid token", code=invalid) from None
    if claims.get("typ") != typ:
        raise Unauthenticated("invalid token", code=invalid)
    return claims


def labeller_principal(secret: str, token: str) -> Principal:
    """The caller a labeller token names; its signature and expiry checked, not its role."""
    claims = _decode(secret, token, LABELLER_TYP, ErrorCode.TOKEN_EXPIRED, ErrorCode.INVALID_TOKEN)
    labeller, org, campaign, connection = (claims.get(k) for k in ("sub", "org", "cmp", "con"))
    if not (isinstance(labeller, str) and isinstance(org, str) and isinstance(campaign, str)):
        raise Unauthenticated("invalid token", code=ErrorCode.INVALID_TOKEN)
    return Principal(
        org_id=org,
        scopes=frozenset(),
        labeller_id=labeller,
        campaign_id=campaign,
        connection_id=connection if isinstance(connection, int) else None,
    )


@dataclass(frozen=True)
class BatchClaims:
    batch_id: str
    labeller_id: str
    campaign_id: str
    clip_ids: frozenset[str]


def issue_batch_token(
    secret: str,
    *,
    batch_id: str,
    labeller_id: str,
    campaign_id: str,
    clip_ids: list[str],
    not_before_s: float,
    ttl_s: int,
) -> str:
    now = time.time()
    claims = {
        "typ": BATCH_TYP,
        "sub": batch_id,
        "lab": labeller_id,
        "cmp": campaign_id,
        "clips": clip_ids,
        "iat": int(now),
        "nbf": now + not_before_s,
        "exp": int(now + ttl_s),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_batch_token(secret: str, token: str) -> BatchClaims:
    """The batch a token names; typed 401s for a bad or expired one, 425 before its time."""
    claims = _decode(
        secret, token, BATCH_TYP, ErrorCode.BATCH_EXPIRED, ErrorCode.INVALID_BATCH_TOKEN
    )
    batch, labeller, campaign, clips = (claims.get(k) for k in ("sub", "lab", "cmp", "clips"))
    if not (
        isinstance(batch, str)
        and isinstance(labeller, str)
        and isinstance(campaign, str)
        and isinstance(clips, list)
        and all(isinstance(c, str) for c in clips)
    ):
        raise Unauthenticated("invalid batch token", code=ErrorCode.INVALID_BATCH_TOKEN)
    return BatchClaims(batch, labeller, campaign, frozenset(clips))
