"""The GraphQL type of a login: a bearer token and its lifetime."""

from __future__ import annotations

import strawberry


@strawberry.type
class LoginResult:
    token: str
    expires_in: int = strawberry.field(description="Seconds until the token expires.")
