"""The embedded FalkorDB and PostgreSQL servers: start, persist, stop cleanly, fail clearly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psutil
import pytest
import redis
import redis.asyncio
from arq.connections import RedisSettings
from falkordb import FalkorDB

from graph.embedded import processes
from graph.embedded.falkordb_server import FalkorDBServer
from graph.embedded.postgres_server import PostgresServer
from graph.errors import StackError

# each test starts FalkorDB or PostgreSQL servers of its own: nothing the Neo4j pass would change
pytestmark = [pytest.mark.stack, pytest.mark.graph_stores]
REPO = Path(__file__).resolve().parents[2]


def _wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def _no_children_left() -> bool:
    """No child started by this test is alive (the suite's shared stack is not ours to check)."""
    started_here = [
        p for p in psutil.Process().children(recursive=True) if p.pid not in _BASELINE_CHILDREN
    ]
    return _wait_gone_all(started_here)


_BASELINE_CHILDREN: set[int] = set()


@pytest.fixture(autouse=True)
def _baseline_children() -> None:
    _BASELINE_CHILDREN.clear()
    _BASELINE_CHILDREN.update(p.pid for p in psutil.Process().children(recursive=True))


def _wait_gone_all(procs: list[psutil.Process]) -> bool:
    return all(_wait_gone(p.pid) for p in procs)


@pytest.fixture
def data() -> Iterator[Path]:
    """A data dir below a fresh root-only (0700) dir, like pytest's own tmp root.

    Not ``tmp_path``: every pytest session re-chmods ``/tmp/pytest-of-<user>`` to 0700 when it
    starts, which cuts a running non-root postgres off from its data in any concurrent session.
    """
    base = Path(tempfile.mkdtemp(prefix="rg-test-"))
    yield base / "data"
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def falkordb_server(data: Path) -> Iterator[FalkorDBServer]:
    server = FalkorDBServer.start(data)
    yield server
    server.stop()


@pytest.fixture
def postgres_server(data: Path) -> Iterator[PostgresServer]:
    server = PostgresServer.start(data)
    yield server
    server.stop()


async def test_falkordb_answers_on_its_url(falkordb_server: FalkorDBServer) -> None:
    client = redis.asyncio.Redis.from_url(falkordb_server.url)
    try:
        assert await client.ping()
    finally:
        await client.aclose()
    settings = RedisSettings.from_dsn(falkordb_server.url)
    assert settings.unix_socket_path == str(falkordb_server.socket_path)
    graph = FalkorDB(unix_socket_path=str(falkordb_server.socket_path)).select_graph("g")
    assert graph.query("RETURN 1").result_set == [[1]]


def test_falkordb_persists_across_restart(data: Path) -> None:
    with FalkorDBServer.start(data) as server:
        redis.Redis.from_url(server.url).set("k", "v")
        FalkorDB(unix_socket_path=str(server.socket_path)).select_graph("g").query(
            "CREATE (:X {a: 1})"
        )
    assert _wait_gone(server.pid)
    with FalkorDBServer.start(data) as server:
        assert redis.Redis.from_url(server.url).get("k") == b"v"
        graph = FalkorDB(unix_socket_path=str(server.socket_path)).select_graph("g")
        assert graph.query("MATCH (x:X) RETURN x.a").result_set == [[1]]
    assert _no_children_left()
    assert not server.socket_path.exists()


def test_falkordb_second_start_on_same_data_is_refused(falkordb_server: FalkorDBServer) -> None:
    data = falkordb_server.socket_path.parent.parent
    with pytest.raises(StackError, match=r"FalkorDB: data directory .* is in use"):
        FalkorDBServer.start(data)
    assert redis.Redis.from_url(falkordb_server.url).ping()


def test_falkordb_long_path_uses_short_socket_dir(data: Path) -> None:
    with FalkorDBServer.start(data / ("d" * 90)) as server:
        assert len(str(server.socket_path)) <= processes.MAX_SOCKET_PATH_BYTES
        assert redis.Redis.from_url(server.url).ping()
    assert not server.socket_path.parent.exists()


def test_falkordb_missing_binary(data: Path) -> None:
    with pytest.raises(StackError, match="FalkorDB: redis-server binary missing"):
        FalkorDBServer.start(data, server_bin=data / "nope")


async def test_postgres_answers_select_1(postgres_server: PostgresServer) -> None:
    conn = await asyncpg.connect(postgres_server.dsn)
    try:
        assert await conn.fetchval("SELECT 1") == 1
        assert await conn.fetchval("SELECT current_database()") == "reelgraph"
        assert await conn.fetchval("SELECT lower('ÉCOLE')") == "école"
    finally:
        await conn.close()


async def _roundtrip(dsn: str, write: bool) -> list[int]:
    conn = await asyncpg.connect(dsn)
    try:
        if write:
            await conn.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (42)")
        return [row["x"] for row in await conn.fetch("SELECT x FROM t")]
    finally:
        await conn.close()


async def test_postgres_persists_across_restart(data: Path) -> None:
    with PostgresServer.start(data) as server:
        assert await _roundtrip(server.dsn, write=True) == [42]
    assert _no_children_left()
    with PostgresServer.start(data) as server:
        assert await _roundtrip(server.dsn, write=False) == [42]
    assert _no_children_left()
    assert not (data / "postgres" / "postmaster.pid").exists()


async def test_postgres_recovers_after_crash(data: Path) -> None:
    server = PostgresServer.start(data)
    await _roundtrip(server.dsn, write=True)
    backends = psutil.Process(server.pid).children(recursive=True)
    server.proc.kill()
    server.proc.wait()
    assert _wait_gone_all(backends)
    assert (data / "postgres" / "postmaster.pid").exists()  # stale
    with PostgresServer.start(data) as server:
        assert await _roundtrip(server.dsn, write=False) == [42]


def test_postgres_second_start_on_same_data_is_refused(postgres_server: PostgresServer) -> None:
    data = postgres_server.pgdata.parent
    with pytest.raises(StackError, match=r"PostgreSQL: another server \(pid \d+\)"):
        PostgresServer.start(data)
    assert postgres_server.proc.poll() is None


def test_postgres_rejects_bad_database_name(data: Path) -> None:
    with pytest.raises(StackError, match="invalid database name"):
        PostgresServer.start(data, database='x"; DROP')


@pytest.mark.parametrize("server_cls", [FalkorDBServer, PostgresServer])
def test_unusable_data_dir_is_one_clear_line(
    data: Path, server_cls: type[FalkorDBServer] | type[PostgresServer]
) -> None:
    data.parent.mkdir(exist_ok=True)
    data.write_text("not a directory")
    with pytest.raises(StackError) as info:
        server_cls.start(data)
    message = str(info.value)
    assert "\n" not in message
    assert str(data) in message
    assert message.startswith(("FalkorDB", "PostgreSQL"))


def test_servers_die_with_their_parent(data: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from graph.embedded.falkordb_server import FalkorDBServer\n"
        "from graph.embedded.postgres_server import PostgresServer\n"
        "d = Path(sys.argv[1])\n"
        "f = FalkorDBServer.start(d)\n"
        "p = PostgresServer.start(d)\n"
        "print(f.pid, p.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(data)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert parent.stdout is not None
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(pids) == 2, "helper failed to start the servers"
        survivors = [psutil.Process(pid) for pid in pids]
        survivors += [c for p in survivors for c in p.children(recursive=True)]
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]
    assert _wait_gone_all(survivors)


def test_server_outlives_the_thread_that_started_it(data: Path) -> None:
    started: list[FalkorDBServer] = []
    thread = threading.Thread(target=lambda: started.append(FalkorDBServer.start(data)))
    thread.start()
    thread.join()
    with started[0] as server:
        time.sleep(0.3)
        assert server.proc.poll() is None
        assert redis.Redis.from_url(server.url).ping()


def test_falkordb_startup_failure_names_the_log(data: Path) -> None:
    FalkorDBServer.start(data).stop()
    (data / "falkordb" / "appendonlydir" / "appendonly.aof.manifest").write_text("garbage\n")
    with pytest.raises(StackError, match=r"^FalkorDB exited with code \d+ during startup; see "):
        FalkorDBServer.start(data)
    assert _no_children_left()


def test_postgres_startup_failure_names_the_log(data: Path) -> None:
    PostgresServer.start(data).stop()
    with open(data / "postgres" / "postgresql.auto.conf", "a") as conf:
        conf.write("shared_buffers = 'lots'\n")
    with pytest.raises(StackError) as info:
        PostgresServer.start(data)
    assert str(info.value) == (
        f"PostgreSQL exited with code 1 during startup; see {data / 'logs' / 'postgres.log'}"
    )
    assert _no_children_left()


def test_startup_timeout_stops_the_child(data: Path) -> None:
    with pytest.raises(StackError, match=r"^FalkorDB did not start within 0 s; see .*falkordb.log"):
        FalkorDBServer.start(data, timeout=0)
    assert _no_children_left()
