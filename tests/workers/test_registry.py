"""The registry of label-driven analyses: everything around a request label comes from its spec.

Two analyses written as a new one would be (tests/workers/plugin_analyses: a pure module and a
spec module each) are registered here through the public ``register`` call, and run through
every generic path: validation, queueing, the worker's job list, ``analysisStatus`` tracking,
``rerunLabel``, deletion and the README table, with no shared module naming them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graph.settings import load_settings
from tests.support.analyses import analysis_view, ingest, series_points
from tests.support.client import ApiClient
from tests.support.media import MediaFactory, encode_frames
from tests.workers.plugin_analyses import audio_peak_spec, mean_luma_spec
from workers.registry import (
    RESERVED_KEYS,
    SESSION_JOB_KEYS,
    analyses_table,
    register,
    request_types,
    specs,
    trackable_keys,
    unregister,
)
from workers.settings import job_functions

README = Path(__file__).resolve().parents[2] / "README.md"
STATUS = """
query($s: ID!, $t: [String!]) {
  analysisStatus(sessionId: $s, track: $t, timeout: 0) { status message }
}
"""
ADD = "mutation($s: ID!, $l: [LabelInput!]!) { addLabels(sessionId: $s, labels: $l) { id } }"
GREYS = (100, 180)  # the clip's two halves, 2 s each


def readme_table() -> str:
    """The table under the README's "Label-driven analyses" heading."""
    lines = README.read_text().split("### Label-driven analyses", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| label type |"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return "\n".join(lines[start:end])


def limited_range(grey: int) -> float:
    """The Y value of an 8-bit grey in limited range (BT.601)."""
    return 16 + grey * 219 / 255


@pytest.fixture
def plugins() -> Iterator[None]:
    register(mean_luma_spec.SPEC)
    register(audio_peak_spec.SPEC)
    try:
        yield
    finally:
        unregister(mean_luma_spec.SPEC.job)
        unregister(audio_peak_spec.SPEC.job)


@pytest.fixture(scope="module")
def grey_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s at 25 fps, 160x120, no audio: grey 100 for 2 s, then grey 180."""
    frames = np.concatenate([np.full((50, 120, 160, 3), g, np.uint8) for g in GREYS])
    return encode_frames(frames, tmp_path_factory.mktemp("registry") / "greys.mp4")


def test_readme_table_is_the_registrys() -> None:
    assert readme_table() == analyses_table(), (
        "README's analyses table is out of date; paste workers.registry.analyses_table()"
    )


def test_job_list_request_types_and_trackable_keys_are_derived() -> None:
    jobs = {f.name for f in job_functions(load_settings())}
    assert {s.job for s in specs()} <= jobs
    assert set(request_types()) == {t for s in specs() for t in s.request_types}
    keys = trackable_keys()
    assert set(RESERVED_KEYS) | set(SESSION_JOB_KEYS) <= keys
    assert {"video-quality-mos", "poor-video-quality-issue", "page-load"} <= keys


def test_a_registered_spec_joins_every_derived_list(plugins: None) -> None:
    assert "mean_luma" in {f.name for f in job_functions(load_settings())}
    assert "mean-luma-request" in request_types()
    assert {"mean-luma", "audio-peak"} <= trackable_keys()
    assert "| `mean-luma-request` | `mean_luma` | a `mean_luma` series;" in analyses_table()
    assert "| `audio-peak-request` | peak amplitude |" in analyses_table()
    with pytest.raises(ValueError, match="already registered"):
        register(replace(mean_luma_spec.SPEC, request_types=("another-request",)))
    with pytest.raises(ValueError, match="already requests"):
        register(replace(mean_luma_spec.SPEC, job="another_job"))
    with pytest.raises(ValueError, match="needs work and outcome, or run"):
        register(replace(mean_luma_spec.SPEC, job="no_work", request_types=("x-req",), work=None))


async def test_an_analysis_added_by_one_spec_runs_end_to_end(
    api: ApiClient, run_worker: Any, grey_clip: Path, plugins: None
) -> None:
    sid = await ingest(api, run_worker, grey_clip)
    label = {"labelType": "mean-luma-request", "startTime": 0, "endTime": 4000}
    err = await api.gql_error(ADD, s=sid, l=[{**label, "data": {"parameters": {"step": 2}}}])
    assert err["extensions"]["code"] == "INVALID_PARAMETER"
    [request] = await api.add_labels(sid, [{**label, "data": {"parameters": {"frame_step": 1}}}])
    pending = (await api.gql(STATUS, s=sid, t=["mean-luma"]))["analysisStatus"]
    assert pending["status"] == "timeout"
    assert await run_worker() == 1
    done = (await api.gql(STATUS, s=sid, t=["mean-luma"]))["analysisStatus"]
    assert done["status"] == "done", done
    points = await series_points(api, sid, "mean_luma")
    assert len(points) == 100
    for half, grey in enumerate(GREYS):
        values = [p["value"] for p in points[half * 50 + 5 : half * 50 + 45]]
        assert np.mean(values) == pytest.approx(limited_range(grey), abs=2.0)
    view = await analysis_view(api, sid)
    [result] = [lab for lab in view["labels"] if lab["labelType"] == "mean-luma-result"]
    assert result["labelGroupId"] == request["labelGroupId"]
    assert view["analyses"]["mean-luma"]["state"] == "DONE"
    # rerun: the same points again, not twice as many
    await api.gql("mutation($id: ID!) { rerunLabel(id: $id) { id } }", id=request["id"])
    assert await run_worker() == 1
    assert await series_points(api, sid, "mean_luma") == points
    assert len((await analysis_view(api, sid))["labels"]) == 2
    # delete: the series, the result label and the key's analysis go with the request
    await api.gql("mutation($id: ID!) { deleteLabel(id: $id) }", id=request["id"])
    view = await analysis_view(api, sid)
    assert view["labels"] == [] and "mean_luma" not in view["series"]
    assert "mean-luma" not in view["analyses"]


async def test_missing_media_is_named_and_audio_analyses_read_the_audio(
    api: ApiClient, run_worker: Any, grey_clip: Path, media: MediaFactory, plugins: None
) -> None:
    silent = await ingest(api, run_worker, grey_clip)
    tone = await ingest(api, run_worker, media.tone_audio())
    peak = {"labelType": "audio-peak-request", "startTime": 0, "endTime": 1000}
    luma = {"labelType": "mean-luma-request", "startTime": 0, "endTime": 1000}
    err = await api.gql_error(ADD, s=silent, l=[peak])
    assert err["extensions"]["code"] == "NO_AUDIO" and "audio" in err["message"]
    err = await api.gql_error(ADD, s=tone, l=[luma])
    assert err["extensions"]["code"] == "NO_VIDEO"
    await api.add_labels(tone, [peak])
    await run_worker()
    view = await analysis_view(api, tone)
    [result] = [lab for lab in view["labels"] if lab["labelType"] == "audio-peak-result"]
    assert 0.05 < result["data"]["peak"] < 0.3  # ffmpeg's sine is 1/8 of full scale
    assert view["analyses"]["audio-peak"]["state"] == "DONE"


async def test_an_unregistered_key_is_not_trackable(
    api: ApiClient, run_worker: Any, grey_clip: Path
) -> None:
    sid = await ingest(api, run_worker, grey_clip)
    answer = (await api.gql(STATUS, s=sid, t=["mean-luma"]))["analysisStatus"]
    assert answer["status"] == "error"
    assert answer["message"].startswith("Unknown analyses to track: mean-luma.")
