"""`reelgraph up` keeps its data private: no file or directory under the data dir is world-
readable (media, renders, logs, FalkorDB's AOF, PostgreSQL), even in a data dir made before."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.cli import cli, free_port, start_up, stop, wait_healthy
from tests.support.media import MediaFactory

pytestmark = pytest.mark.stack  # `reelgraph up` starts its own servers


def _world_accessible(root: Path) -> Iterator[str]:
    for directory, dirs, files in os.walk(root):
        for name in (directory, *(os.path.join(directory, n) for n in dirs + files)):
            info = os.lstat(name)
            if not stat.S_ISLNK(info.st_mode) and info.st_mode & 0o007:
                yield f"{name} {stat.filemode(info.st_mode)}"


def _wait_ready(http: httpx.Client, session_id: str) -> None:
    query = {"query": f'{{ session(id: "{session_id}") {{ status }} }}'}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status = http.post("/graphql", json=query).json()["data"]["session"]["status"]
        if status in ("READY", "ERROR"):
            assert status == "READY"
            return
        time.sleep(0.3)
    raise AssertionError("the session was not ingested")


def test_nothing_under_the_data_dir_is_world_readable(data_dir: Path, media: MediaFactory) -> None:
    # a data dir and a log from before: created world-readable, as older releases left them
    (data_dir / "logs").mkdir(parents=True)
    old_log = data_dir / "logs" / "falkordb.log"
    old_log.write_text("an older run\n")
    for path in (data_dir, data_dir / "logs"):
        path.chmod(0o755)
    old_log.chmod(0o644)

    port = free_port()
    proc = start_up(data_dir, port)
    try:
        wait_healthy(port, proc)
        created = cli("apikey", "create", "--org", "modes", "--data-dir", str(data_dir))
        key = created.stdout.strip().splitlines()[-1]
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": key}, timeout=30
        ) as http:
            upload = http.post(
                "/api/v1/files?filename=sample.mp4", content=media.sample_video().read_bytes()
            )
            assert upload.status_code == 200, upload.text
            session_id = upload.json()["file_uuid"]
            made = http.post(
                "/graphql",
                json={
                    "query": "mutation($u: ID!) { createSession(input: {uploadId: $u}) { id } }",
                    "variables": {"u": session_id},
                },
            )
            assert not made.json().get("errors"), made.text
            _wait_ready(http, session_id)
            thumbnail = http.get(f"/api/v1/file/{session_id}/thumbnail?frame=3")
            assert thumbnail.status_code == 200, thumbnail.text

        present = {p.relative_to(data_dir).parts[0] for p in data_dir.rglob("*") if p.is_file()}
        assert {"media", "cache", "logs", "falkordb", "postgres"} <= present, present
        assert list((data_dir / "media").rglob("*")), "the upload and its derived media"
        assert {"falkordb.log", "postgres.log", "worker.log"} <= {
            p.name for p in (data_dir / "logs").iterdir()
        }
        assert [p for p in (data_dir / "falkordb").rglob("*.aof*") if p.is_file()]
        offenders = list(_world_accessible(data_dir))
        assert not offenders, "world-accessible:\n" + "\n".join(offenders)
        assert data_dir.stat().st_mode & 0o077 in (0, 0o010), oct(data_dir.stat().st_mode)
    finally:
        stop(proc)
    assert proc.returncode == 0
