"""Chunks at ingest with a real arq worker: shots → Chunk nodes → ``Session.chunks``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.chunks import Chunk
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.shots import PLANTED_SHOTS, SHOT_FRAMES, ShotMedia
from workers.chunks import CHUNKS_KEY, detect_chunks, start_chunks

CHUNKS = """
query($id: ID!) {
  session(id: $id) { status chunks { id startFrame endFrame } analyses { key state message } }
}
"""
EXPECTED = [
    {"id": f"chunk_{n}", "startFrame": s.start_frame, "endFrame": s.end_frame}
    for n, s in enumerate(PLANTED_SHOTS, start=1)
]


@pytest.fixture(scope="module")
def shot_media(tmp_path_factory: pytest.TempPathFactory) -> ShotMedia:
    return ShotMedia(tmp_path_factory.mktemp("chunk_media"))


async def _ingested(api: ApiClient, run_worker: Any, path: Path) -> dict[str, Any]:
    created = await api.create_session_from_file(path)
    await run_worker()
    data = await api.gql(CHUNKS, id=created["id"])
    return {"id": created["id"], **data["session"]}


async def _chunk_nodes(state: AppState, session_id: str) -> int:
    row = await state.graph.read_one(
        "MATCH (c:Chunk) WHERE c.session_id = $id RETURN count(c) AS n", {"id": session_id}
    )
    return int(row["n"]) if row else 0


async def test_ingest_detects_chunks(
    api: ApiClient, run_worker: Any, shot_media: ShotMedia, state: AppState
) -> None:
    session = await _ingested(api, run_worker, shot_media.planted_cuts())
    assert session["status"] == "READY"
    assert session["chunks"] == EXPECTED
    analyses = {a["key"]: a for a in session["analyses"]}
    assert analyses[CHUNKS_KEY] == {
        "key": CHUNKS_KEY,
        "state": "DONE",
        "message": f"3 chunks in {SHOT_FRAMES} frames.",
    }
    sid = session["id"]
    assert await state.chunks.get(sid, "chunk_2") == Chunk("chunk_2", sid, 40, 94)
    assert await state.chunks.get(sid, "chunk_9") is None
    assert await state.chunks.get("no-such-session", "chunk_1") is None


async def test_rerun_replaces_chunks_without_duplicates(
    api: ApiClient, run_worker: Any, shot_media: ShotMedia, state: AppState
) -> None:
    session = await _ingested(api, run_worker, shot_media.planted_cuts())
    sid = session["id"]
    before = await state.chunks.list(sid)
    assert await detect_chunks({"state": state}, session_id=sid) == "3 chunks"
    # queued again under the same job id: nothing of the first run blocks it
    await start_chunks(state, sid)
    assert await run_worker() == 1
    assert await state.chunks.list(sid) == before
    assert await _chunk_nodes(state, sid) == len(PLANTED_SHOTS)
    assert (await api.gql(CHUNKS, id=sid))["session"]["chunks"] == EXPECTED


async def test_chunks_of_many_sessions_load_in_one_query(
    api: ApiClient, run_worker: Any, shot_media: ShotMedia, state: AppState
) -> None:
    one = await api.create_session_from_file(shot_media.planted_cuts())
    other = await api.create_session_from_file(shot_media.continuous_motion())
    await run_worker()
    round_trips = state.graph.round_trips
    found = await state.chunks.by_sessions([one["id"], other["id"], "no-such-session"])
    assert state.graph.round_trips == round_trips + 1
    assert [c.id for c in found[one["id"]]] == ["chunk_1", "chunk_2", "chunk_3"]
    assert found[other["id"]] == [Chunk("chunk_1", other["id"], 0, SHOT_FRAMES - 1)]
    assert found["no-such-session"] == []
    data = await api.gql(
        "{ sessions(first: 10) { edges { node { id chunks { id } } } } }",
    )
    counts = {e["node"]["id"]: len(e["node"]["chunks"]) for e in data["sessions"]["edges"]}
    assert counts == {one["id"]: 3, other["id"]: 1}


async def test_audio_only_session_gets_no_chunks_job(
    api: ApiClient, run_worker: Any, shot_media: ShotMedia
) -> None:
    session = await _ingested(api, run_worker, shot_media.audio_only())
    assert session["status"] == "READY"
    assert session["chunks"] == []
    assert sorted(a["key"] for a in session["analyses"]) == [
        "audio-loudness-issue",
        "audio-momentary-lufs",
        "audio-volume",
        "ingest",
    ]


async def test_unreadable_media_is_an_error_analysis(
    api: ApiClient, run_worker: Any, shot_media: ShotMedia, state: AppState
) -> None:
    session = await _ingested(api, run_worker, shot_media.planted_cuts())
    sid = session["id"]
    stored = await state.sessions.get(sid, None)
    assert stored is not None and stored.media_path
    Path(stored.media_path).write_bytes(b"gone\n" * 100)
    await start_chunks(state, sid)
    assert await run_worker() == 1  # finished, not retried
    after = (await api.gql(CHUNKS, id=sid))["session"]
    chunks = next(a for a in after["analyses"] if a["key"] == CHUNKS_KEY)
    assert chunks["state"] == "ERROR"
    assert chunks["message"].startswith("cannot decode the video: ")
    assert "/" not in chunks["message"], "server paths never reach clients"
    assert after["chunks"] == EXPECTED, "a failed run leaves the last chunks in place"


async def test_deleting_the_session_removes_its_chunks(
    api: ApiClient, run_worker: Any, shot_media: ShotMedia, state: AppState
) -> None:
    session = await _ingested(api, run_worker, shot_media.planted_cuts())
    sid = session["id"]
    assert await _chunk_nodes(state, sid) == len(PLANTED_SHOTS)
    deleted = await api.gql("mutation($id: ID!) { deleteSession(id: $id) }", id=sid)
    assert deleted["deleteSession"] is True
    assert await _chunk_nodes(state, sid) == 0
    assert await state.chunks.list(sid) == []


async def test_replace_is_whole(
    api: ApiClient, run_worker: Any, shot_media: ShotMedia, state: AppState
) -> None:
    session = await _ingested(api, run_worker, shot_media.planted_cuts())
    sid = session["id"]
    one = [Chunk("chunk_1", sid, 0, SHOT_FRAMES - 1)]
    assert await state.chunks.replace(sid, one) == 1
    assert await state.chunks.list(sid) == one
    assert await state.chunks.replace(sid, []) == 0
    assert await _chunk_nodes(state, sid) == 0
    assert await state.chunks.replace("no-such-session", one) == 0
    assert await _chunk_nodes(state, "no-such-session") == 0
