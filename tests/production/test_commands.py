"""`reelgraph api` and `reelgraph worker` before their servers exist: a one-line refusal without
the URLs, and a worker that waits for Redis with backoff until SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.production.shape import ROOT
from tests.support.cli import free_port

_SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "NEO4J_URI", "REELGRAPH_GRAPH")


def reelgraph(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _SERVER_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", ["api", "worker"])
def test_each_refuses_in_one_line_without_the_server_urls(command: str) -> None:
    done = reelgraph(command)
    assert done.returncode == 2
    assert done.stderr == (
        f"reelgraph: error: `reelgraph {command}` runs against your servers: set DATABASE_URL, "
        "REDIS_URL (or run `reelgraph up` for embedded ones)\n"
    )
    neo4j = reelgraph(command, REELGRAPH_GRAPH="neo4j", DATABASE_URL="postgresql://h/d")
    assert neo4j.returncode == 2 and "set REDIS_URL, NEO4J_URI (" in neo4j.stderr


@pytest.mark.slow
def test_a_worker_waits_for_redis_then_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = {k: v for k, v in os.environ.items() if k not in _SERVER_VARIABLES}
    env.update(
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        DATABASE_URL=f"postgresql://reelgraph:secret-pw@127.0.0.1:{port}/reelgraph",
        REELGRAPH_DATA_DIR=str(tmp_path),
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while log.read_text().count("worker could not start") < 2:
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(15) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    text = log.read_text()
    assert "trying again in 0.5 s" in text and "trying again in 1.0 s" in text  # backoff
    assert "secret-pw" not in text and "Traceback" not in text
