"""Media errors reach clients without server paths (ffmpeg and PyAV quote the file they read)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.errors import MediaError, without_server_paths
from graph.state import AppState
from tests.support.client import ApiClient


def test_paths_are_removed_but_urls_and_ratios_kept() -> None:
    message = "cannot open: Invalid data: '/srv/reelgraph/media/abc/source'; file:/a/b.ts: EIO"
    assert without_server_paths(message) == "cannot open: Invalid data: 'the file'; the file: EIO"
    for kept in ("http://127.0.0.1:8080/a/b", "30000/1001 fps", "MP4/MOV/M4A", "1/2"):
        assert without_server_paths(kept) == kept
    assert str(MediaError("decoding /tmp/x/y failed")) == "decoding the file failed"


async def test_media_error_of_a_broken_file_names_no_path(
    api: ApiClient, ready_session: dict[str, Any], state: AppState
) -> None:
    """The file of a ready session is replaced by garbage: the route answers MEDIA_ERROR."""
    media_dir = state.settings.media_dir / ready_session["id"]
    source = next(p for p in media_dir.iterdir() if p.name.startswith("source"))
    source.write_bytes(b"\x00" * 4096)
    response = await api.http.get(
        f"/api/v1/file/{ready_session['id']}/thumbnail?frame=3", headers=api.headers
    )
    assert response.status_code == 500, response.text
    error = response.json()["error"]
    assert error["code"] == "MEDIA_ERROR"
    assert str(Path(state.settings.data_dir).resolve()) not in error["message"]
    assert str(media_dir) not in error["message"] and "/" not in error["message"], error
