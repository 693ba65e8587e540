"""The JWT signing key: configured, or generated once into the data directory (development)."""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

from graph.errors import ErrorCode, InvalidInput
from graph.file_modes import make_private_dir

if TYPE_CHECKING:
    from graph.settings import Settings

MIN_JWT_SECRET_BYTES = 32


def resolve_jwt_secret(settings: Settings) -> str:
    """The JWT signing key: from the environment, else one kept in the data directory.

    Outside development a secret must be configured explicitly: a generated key that lives
    next to the data is fine for one machine, not for a deployment with several API replicas.
    """
    if settings.jwt_secret:
        if (
            settings.environment != "development"
            and len(settings.jwt_secret.encode()) < MIN_JWT_SECRET_BYTES
        ):
            raise InvalidInput(
                f"REELGRAPH_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes when "
                "REELGRAPH_ENV is not development (HS256 keys are only as strong as they are long)",
                code=ErrorCode.WEAK_JWT_SECRET,
            )
        return settings.jwt_secret
    if settings.environment != "development":
        raise InvalidInput("REELGRAPH_JWT_SECRET must be set when REELGRAPH_ENV is not development")
    path = settings.data_dir / "jwt.secret"
    if path.exists():
        return path.read_text().strip()
    make_private_dir(settings.data_dir)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret
