"""The embedded stack: FalkorDB (graph + arq broker) and PostgreSQL under one data directory.

With ``REELGRAPH_GRAPH=neo4j`` (``reelgraph up --graph neo4j``) the graph is an embedded Neo4j
instead, and the same redis-server runs without the graph module as the arq broker.

Servers named by ``NEO4J_URI`` / ``DATABASE_URL`` / ``REDIS_URL`` are used instead of starting
the embedded ones. The URLs of the running stack are written to ``run/stack.json`` so that
commands run beside it (``reelgraph apikey create``) find it.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from graph.embedded.falkordb_server import FalkorDBServer
from graph.embedded.neo4j_server import Neo4jServer
from graph.embedded.postgres_server import PostgresServer
from graph.errors import StackError
from graph.file_modes import make_data_dir, make_private_dir, write_private_text
from graph.settings import Settings

STATE_FILE = "stack.json"


@dataclass
class EmbeddedStack:
    settings: Settings
    falkordb: FalkorDBServer | None = None
    postgres: PostgresServer | None = None
    neo4j: Neo4jServer | None = None
    state_file: Path | None = field(default=None)

    def stop(self) -> None:
        """Stop what this stack started (PostgreSQL first: it may still be flushing)."""
        if self.state_file is not None:
            self.state_file.unlink(missing_ok=True)
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
        if self.falkordb is not None:
            self.falkordb.stop()
            self.falkordb = None
        if self.neo4j is not None:
            self.neo4j.stop()
            self.neo4j = None


def check_data_dir(data_dir: Path) -> Path:
    """The data directory, created 0700 if needed; a one-line StackError when not writable."""
    try:
        make_data_dir(data_dir)
        probe = data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise StackError(f"data directory {data_dir} is not writable: {exc.strerror}") from exc
    return data_dir.absolute()


GRAPH_STORES = ("falkordb", "neo4j")


def start_stack(settings: Settings) -> EmbeddedStack:
    """Start the embedded servers that no URL replaces; settings gain the URLs to reach them."""
    if settings.graph_store not in GRAPH_STORES and not settings.neo4j_uri:
        raise StackError(
            f"unknown graph store {settings.graph_store!r}: REELGRAPH_GRAPH is falkordb or neo4j"
        )
    data_dir = check_data_dir(settings.data_dir)
    stack = EmbeddedStack(settings=settings.with_overrides(data_dir=data_dir))
    overrides: dict[str, object] = {}
    try:
        if settings.uses_neo4j and not settings.neo4j_uri:
            stack.neo4j = Neo4jServer.start(data_dir / "neo4j", lib_dir=settings.neo4j_lib_dir)
            overrides.update(
                neo4j_uri=stack.neo4j.uri,
                neo4j_user=stack.neo4j.user,
                neo4j_password=stack.neo4j.password,
            )
        redis_url = settings.redis_url
        if not redis_url:
            stack.falkordb = FalkorDBServer.start(
                data_dir,
                server_bin=settings.falkordb_server_bin,
                module=settings.falkordb_module,
                load_graph_module=not settings.uses_neo4j,
            )
            redis_url = stack.falkordb.url
        database_url = settings.database_url
        if not database_url:
            stack.postgres = PostgresServer.start(data_dir)
            database_url = stack.postgres.dsn
    except BaseException:
        stack.stop()
        raise
    stack.settings = stack.settings.with_overrides(
        redis_url=redis_url, database_url=database_url, **overrides
    )
    stack.state_file = write_state(stack.settings)
    return stack


def write_state(settings: Settings) -> Path:
    run_dir = make_private_dir(settings.run_dir)
    path = run_dir / STATE_FILE
    return write_private_text(
        path,
        json.dumps(
            {
                "pid": os.getpid(),
                "redis_url": settings.redis_url,
                "database_url": settings.database_url,
                "neo4j_uri": settings.neo4j_uri,
                "api": f"http://{settings.host}:{settings.port}",
            }
        ),
    )


def read_state(settings: Settings) -> Settings:
    """Settings pointing at the stack that ``reelgraph up`` runs on this data directory."""
    if settings.redis_url and settings.database_url:
        return settings
    path = settings.run_dir / STATE_FILE
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        raise StackError(
            f"no running stack found for {settings.data_dir} (start `reelgraph up` first)"
        ) from None
    pid = int(state.get("pid") or 0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if pid:
            os.kill(pid, 0)
            found = settings.with_overrides(
                redis_url=settings.redis_url or state["redis_url"],
                database_url=settings.database_url or state["database_url"],
            )
            embedded_neo4j = settings.data_dir / "neo4j" / "password"
            if state.get("neo4j_uri") and not settings.neo4j_uri and embedded_neo4j.is_file():
                found = found.with_overrides(
                    neo4j_uri=state["neo4j_uri"],
                    neo4j_password=embedded_neo4j.read_text().strip(),
                )
            return found
    raise StackError(f"the stack recorded in {path} is not running (start `reelgraph up`)")
