"""`reelgraph up` as a user runs it: a child process of ``python -m api.cli`` on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[2]


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


def start_up(data_dir: Path, port: int, graph: str = "falkordb") -> subprocess.Popen[str]:
    argv = ["up", "--data-dir", str(data_dir), "--port", str(port), "--graph", graph]
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", *argv],
        cwd=ROOT,
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )


def wait_healthy(port: int, proc: subprocess.Popen[str], timeout: float = 120) -> None:
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
    proc.wait(120)
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
