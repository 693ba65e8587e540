"""What the benchmarks share: ingesting a local file into a session, removing their data."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

from api.services.sessions import create_session
from api.services.state import Principal
from graph.ids import new_session_id
from graph.state import AppState
from graph.uploads import Upload
from workers.ingest import ingest


async def add_session(
    state: AppState, principal: Principal, path: Path, ctx: dict[str, Any]
) -> str:
    """Copy ``path`` into the media root as an upload, make its session, run the ingest job."""
    upload_id = new_session_id()
    target = state.settings.media_dir / upload_id / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    upload = Upload(upload_id, principal.org_id, target.stat().st_size, str(target), path.name,
                    "video/mp4", None)  # fmt: skip
    await state.uploads.add(upload)
    session = await create_session(state, principal, upload_id=upload_id)
    outcome = await ingest(ctx, session_id=session.id)
    assert outcome == "ready", outcome
    return session.id


def remove(data_dir: Path) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
    with contextlib.suppress(OSError):  # another run may still be using the parent
        data_dir.parent.rmdir()
