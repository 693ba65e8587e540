"""PostgreSQL: one asyncpg pool per process and the numbered SQL migrations applied at start."""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

import asyncpg

from graph.errors import StackError
from graph.outages import StoreUnavailable

log = logging.getLogger(__name__)

# Any constant works; it serialises concurrent start-ups (API and workers) applying migrations.
_MIGRATION_LOCK_KEY = 0x7265656C


async def open_pool(
    dsn: str,
    *,
    max_size: int = 10,
    connect_timeout_s: float = 5.0,
    command_timeout_s: float | None = None,
) -> asyncpg.Pool:
    """Create the process's pool; a clear StackError when the server cannot be reached.

    A connection the pool opens later, while the server is down or restarting, fails within
    ``connect_timeout_s`` as :class:`StoreUnavailable`; the pool replaces broken connections,
    so the first request after the server is back succeeds. The pool keeps no floor of open
    connections: asyncpg would redial through an outage, logging a traceback each time.
    """
    try:
        pool = await asyncpg.create_pool(
            dsn,
            min_size=0,
            max_size=max_size,
            connect=_connect,
            timeout=connect_timeout_s,
            command_timeout=command_timeout_s,
        )
    except (OSError, asyncpg.PostgresError) as exc:
        raise StackError(f"cannot connect to PostgreSQL: {exc}") from exc
    assert pool is not None
    try:
        await pool.fetchval("SELECT 1")  # a wrong DSN or a server that is down fails here
    except (OSError, asyncpg.PostgresError, StoreUnavailable) as exc:
        await pool.close()
        reason = exc.__cause__ if isinstance(exc, StoreUnavailable) else exc
        raise StackError(f"cannot connect to PostgreSQL: {reason}") from exc
    return pool


async def _connect(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    """``asyncpg.connect`` whose failures to reach the server are typed as an outage."""
    try:
        return await asyncpg.connect(*args, **kwargs)
    except (OSError, TimeoutError, asyncpg.CannotConnectNowError) as exc:
        raise StoreUnavailable("postgres") from exc


def migration_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every ``graph/migrations/NNNN_name.sql``, in order."""
    found = []
    for entry in resources.files("graph.migrations").iterdir():
        if entry.name.endswith(".sql") and entry.name[:4].isdigit():
            found.append((int(entry.name[:4]), entry.name, entry.read_text()))
    return sorted(found)


async def apply_migrations(pool: asyncpg.Pool) -> list[str]:
    """Apply the migrations not yet recorded in ``schema_migrations``; returns their names."""
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK_KEY)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
            for version, name, sql in migration_files():
                if version in done:
                    continue
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                        version,
                        name,
                    )
                log.info("applied migration %s", name)
                applied.append(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK_KEY)
    return applied
