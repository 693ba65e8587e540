"""The embedded Neo4j: Neo4j's own server from the cached jars; auth, persistence, clean stops."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from graph.embedded.neo4j_server import Neo4jServer, new_password
from graph.errors import StackError

pytestmark = [pytest.mark.stack, pytest.mark.graph_stores]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def home() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="rg-neo4j-"))
    yield base / "neo4j"
    shutil.rmtree(base, ignore_errors=True)


def _count(server: Neo4jServer, query: str) -> int:
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        records, _, _ = driver.execute_query(query)
        return int(records[0][0]) if records else 0


def _gone(pids: list[int], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        alive = [p for p in alive if psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return True
        time.sleep(0.2)
    return False


def test_auth_persistence_lock_and_clean_stop(home: Path) -> None:
    with Neo4jServer.start(home) as server:
        assert _count(server, "CREATE (n:Kept {v: 1}) RETURN count(n)") == 1
        with (
            GraphDatabase.driver(server.uri, auth=(server.user, "wrong-password")) as driver,
            pytest.raises(AuthError),
        ):
            driver.verify_connectivity()
        with pytest.raises(StackError, match=r"^Neo4j: data directory .* is in use"):
            Neo4jServer.start(home)
        conf = (home / "conf" / "neo4j.conf").read_text()
        assert "server.http.enabled=false" in conf and "dbms.usage_report.enabled=false" in conf
        assert f"server.bolt.listen_address=127.0.0.1:{server.port}" in conf
        jvms = [server.pid] + [c.pid for c in psutil.Process(server.pid).children(recursive=True)]
        assert len(jvms) >= 2  # the boot process and the server JVM it spawned
    assert _gone(jvms), "a Neo4j JVM outlived stop()"
    assert stat.S_IMODE((home / "password").stat().st_mode) == 0o600
    assert server.password not in (home / "logs" / "console.log").read_text()

    with Neo4jServer.start(home) as again:  # the same password, a new port, the data kept
        assert again.password == server.password
        assert _count(again, "MATCH (n:Kept) RETURN count(n)") == 1


def test_missing_jars_is_one_clear_line(home: Path, tmp_path: Path) -> None:
    with pytest.raises(StackError) as info:
        Neo4jServer.start(home, lib_dir=tmp_path / "nothing")
    message = str(info.value)
    assert "\n" not in message and "scripts/neo4j.sh fetch" in message


def test_server_dies_with_its_parent(home: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from graph.embedded.neo4j_server import Neo4jServer\n"
        "s = Neo4jServer.start(Path(sys.argv[1]))\n"
        "print(s.pid, flush=True)\n"
        "time.sleep(300)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(home)], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert parent.stdout is not None
        boot = psutil.Process(int(parent.stdout.readline()))
        pids = [boot.pid] + [c.pid for c in boot.children(recursive=True)]
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]
    assert _gone(pids), "Neo4j outlived the process that started it"


def test_generated_passwords_are_never_read_as_options() -> None:
    # neo4j-admin took a password starting with "-" for an option and failed (1 start in 64)
    passwords = {new_password() for _ in range(2000)}
    assert len(passwords) == 2000
    assert all(p.isalnum() and len(p) >= 32 for p in passwords)
