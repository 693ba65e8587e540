"""`reelgraph up` as a user runs it: real child processes, signals, restarts, clear errors."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=timeout,
        env=clean_env(),
    )


def clean_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "NEO4J_URI", "REELGRAPH_DATA_DIR"}
    }
    return env


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = ROOT / ".reelgraph-test" / f"cli-{uuid.uuid4().hex[:8]}"
    yield path
    shutil.rmtree(path, ignore_errors=True)


def start_up(data_dir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "up", "--data-dir", str(data_dir), "--port", str(port)],
        cwd=ROOT,
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )


def wait_healthy(port: int, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the stack did not become healthy")


def stop(proc: subprocess.Popen[str]) -> dict[psutil.Process, str]:
    """SIGTERM `up`; returns the children it had (with names), to check they are gone."""
    children = {c: c.name() for c in psutil.Process(proc.pid).children(recursive=True)}
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    return children


def graphql(port: int, key: str, query: str) -> dict:
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query},
        headers={"X-API-Key": key},
        timeout=30,
    )
    body = response.json()
    assert not body.get("errors"), body
    return dict(body["data"])


def test_up_apikey_stop_and_restart_keep_data(data_dir: Path) -> None:
    port = free_port()
    proc = start_up(data_dir, port)
    try:
        wait_healthy(port, proc)
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
    assert {"redis-server", "postgres"} <= names and len(children) >= 3
    time.sleep(0.5)
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"orphans left: {alive}"

    proc = start_up(data_dir, port)
    try:
        wait_healthy(port, proc)
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
