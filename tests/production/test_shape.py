"""The production shape: `reelgraph api` and two `reelgraph worker` processes on real servers
share the jobs of several videos, and every result is written once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.production.jobs import (
    Reference,
    analysed,
    assert_no_duplicates,
    brightness_points,
    eventually,
    store_counts,
    traced,
)
from tests.production.shape import Shape
from tests.support.client import ApiClient
from tests.support.face_api import snapshot, upload_session
from tests.support.media import FREEZE_END_MS, FREEZE_START_MS

# the production shape picks its graph store (Neo4j): not repeated on make test's Neo4j pass
pytestmark = [
    pytest.mark.stack,
    pytest.mark.slow,
    pytest.mark.graph_stores,
    pytest.mark.timeout(300),
]
FREEZE_TAGS = {"analysis": "screen freezing"}
BRIGHTNESS_POINTS = 50  # 4 s at 25 fps, every 2nd frame


def freeze_request() -> dict[str, Any]:
    """A ``video-content`` request over the whole freeze clip: brightness and freezes."""
    keys = ["brightness", "screen_freezing"]
    return {
        "labelType": "video-content",
        "startTime": 0,
        "endTime": 4000,
        "data": {"analysis_keys": keys},
    }


async def ready(api: ApiClient, session_id: str) -> dict[str, Any]:
    return await eventually(
        lambda: api.session(session_id), lambda s: s["status"] == "READY", "ingest", 120
    )


async def test_two_workers_share_the_jobs_and_write_each_result_once(
    api: ApiClient,
    shape: Shape,
    faces_reference: Reference,
    faces_video: Path,
    freeze_clip: Path,
) -> None:
    completed_before = {w.name: len(w.completed()) for w in shape.workers}
    faces_id = await upload_session(api, faces_video)
    clips = [
        (await api.create_session_from_file(freeze_clip, tags=FREEZE_TAGS))["id"] for _ in range(3)
    ]
    for clip in clips:
        await ready(api, clip)
        await api.add_labels(clip, [freeze_request()])

    assert snapshot(await traced(api, faces_id)) == faces_reference.faces
    for clip in clips:
        view = await analysed(api, clip, {"brightness", "screen-freezing"})
        [issue] = [lab for lab in view["labels"] if lab["labelType"] == "screen-freezing-issue"]
        assert (issue["startTime"], issue["endTime"]) == (FREEZE_START_MS, FREEZE_END_MS)
        assert len(await brightness_points(api, clip)) == BRIGHTNESS_POINTS
    for session_id in [faces_id, *clips]:
        counts = await store_counts(shape, session_id)
        assert_no_duplicates(counts)
    faces_counts = await store_counts(shape, faces_id)
    assert faces_counts["face_detections"] == faces_reference.detections
    assert faces_counts["traces"][0] == len(faces_reference.faces["traces"])

    # both workers took this test's jobs, and no job ever completed twice
    taken = {
        w.name: w.completed()[completed_before.get(w.name, 0) :] for w in shape.workers if w.alive
    }
    assert len(taken) == 2 and all(taken.values()), shape.logs()
    functions = {function for jobs in taken.values() for _, function in jobs}
    assert {"ingest", "face_trace", "video_quality"} <= functions, taken
    job_ids = [job_id for w in shape.workers for job_id, _ in w.completed()]
    assert len(job_ids) == len(set(job_ids)), shape.logs()
