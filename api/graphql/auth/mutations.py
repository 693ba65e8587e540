"""``login``: exchange an API key for a JWT carrying org and scope claims."""

from __future__ import annotations

import strawberry

from api.graphql.auth.types import LoginResult
from api.services.auth import login


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="A JWT for an API key (use as Authorization: Bearer).")
    async def login(
        self, info: strawberry.Info, api_key: str, ttl_seconds: int | None = None
    ) -> LoginResult:
        token, expires_in = await login(info.context.state, api_key, ttl_seconds)
        return LoginResult(token=token, expires_in=expires_in)
