"""`reelgraph up` as a user runs it: real child processes, signals, restarts, clear errors."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import psutil
import pytest

from tests.support.cli import cli, free_port, graphql, start_up, stop, wait_healthy

# `reelgraph up` starts its own servers, on each graph store below
pytestmark = [pytest.mark.stack, pytest.mark.graph_stores]
# the servers `up` supervises besides the worker, per graph store (Neo4j's boot JVM and server)
SERVERS = {"falkordb": {"redis-server", "postgres"}, "neo4j": {"redis-server", "postgres", "java"}}


# two cold starts of every server (Neo4j's JVM twice): minutes on a loaded 2-core machine
@pytest.mark.timeout(480)
@pytest.mark.parametrize("graph", ["falkordb", "neo4j"])
def test_up_apikey_stop_and_restart_keep_data(data_dir: Path, graph: str) -> None:
    port = free_port()
    proc = start_up(data_dir, port, graph)
    try:
        wait_healthy(port, proc, timeout=200)
        created = cli("apikey", "create", "--org", "acme", "--data-dir", str(data_dir))
        assert created.returncode == 0, created.stderr
        key = created.stdout.strip().splitlines()[-1]
        assert key.startswith("rg_")
        session = graphql(
            port,
            key,
            'mutation { createSession(input: {url: "http://h/x.mp4", name: "kept"}) { id } }',
        )["createSession"]["id"]
        graphql(
            port,
            key,
            f'mutation {{ addLabels(sessionId: "{session}", labels: '
            '[{labelType: "user", startTime: 0, endTime: 1}]) { id } }',
        )
        token = cli("token", "create", "--api-key", key, "--data-dir", str(data_dir))
        assert token.returncode == 0 and token.stdout.count(".") == 2
    finally:
        children = stop(proc)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    names = set(children.values())
    assert SERVERS[graph] <= names and len(children) >= len(SERVERS[graph]) + 1
    time.sleep(0.5)
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"orphans left: {alive}"

    proc = start_up(data_dir, port, graph)
    try:
        wait_healthy(port, proc, timeout=200)
        found = graphql(
            port, key, f'{{ session(id: "{session}") {{ name labels {{ totalCount }} }} }}'
        )
        assert found["session"] == {"name": "kept", "labels": {"totalCount": 1}}
    finally:
        stop(proc)


def test_port_in_use_and_unwritable_data_dir(data_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("up", "--data-dir", str(data_dir), "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"reelgraph: error: port {port} on 127.0.0.1 is already in use; choose another with "
        "--port or REELGRAPH_PORT"
    )
    assert "Traceback" not in result.stderr

    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    result = cli("up", "--data-dir", str(not_a_dir / "data"), "--port", str(free_port()))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(f"reelgraph: error: data directory {not_a_dir / 'data'} is not writable")
    )
    assert "Traceback" not in result.stderr


def test_apikey_without_running_stack(data_dir: Path) -> None:
    result = cli("apikey", "create", "--org", "x", "--data-dir", str(data_dir))
    assert result.returncode == 2
    assert "no running stack found" in result.stderr and "Traceback" not in result.stderr
