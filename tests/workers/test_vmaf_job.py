"""runVmaf, vmafStatus and the ``vmaf`` session tag end to end, with a real arq worker."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from analysis.media.vmaf import VMAF_SERIES, run_vmaf, vmaf_video
from graph.state import AppState
from tests.support.analyses import analysis_view, series_points
from tests.support.client import ApiClient
from tests.support.media import MediaFactory, transcode

RESULT = "status warnings message referenceSessionId distortedSessionId phoneModel vmaf"
RUN = f"""
mutation($s: ID!, $r: ID!, $t: Float) {{
  runVmaf(sessionId: $s, referenceSessionId: $r, timeout: $t) {{ {RESULT} }}
}}
"""
STATUS = f"query($s: ID!) {{ vmafStatus(sessionId: $s) {{ {RESULT} }} }}"
TAGS = "mutation($s: ID!, $t: JSON!) { setSessionTags(sessionId: $s, tags: $t) { id tags } }"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 4 s sample (100 frames, 320x240) and a smaller, shorter, heavily compressed copy."""
    root = tmp_path_factory.mktemp("vmaf_job")
    reference = MediaFactory(root).sample_video()
    distorted = transcode(
        reference,
        root / "distorted.mp4",
        "-vf",
        "scale=240:180",
        "-frames:v",
        "90",
        "-crf",
        "40",
    )
    return {"reference": reference, "distorted": distorted}


async def _ready(api: ApiClient, run_worker: Any, path: Path) -> str:
    created = await api.create_session_from_file(path)
    await run_worker()
    return str(created["id"])


async def test_run_vmaf_pending_then_success_with_the_seeds_warnings(
    api: ApiClient, run_worker: Any, pair: dict[str, Path]
) -> None:
    ref = await _ready(api, run_worker, pair["reference"])
    sid = await _ready(api, run_worker, pair["distorted"])
    assert (await api.gql(STATUS, s=sid))["vmafStatus"] is None
    started = (await api.gql(RUN, s=sid, r=ref, t=0))["runVmaf"]
    assert started == {
        "status": "pending",
        "warnings": None,
        "message": None,
        "referenceSessionId": ref,
        "distortedSessionId": sid,
        "phoneModel": False,
        "vmaf": None,
    }
    assert (await api.gql(STATUS, s=sid))["vmafStatus"]["status"] == "pending"
    await run_worker()
    done = (await api.gql(STATUS, s=sid))["vmafStatus"]
    assert done["status"] == "success"
    assert done["warnings"] == (
        "There are 100 frames in the reference video whereas there are 90 frames in the "
        "distorted video, The reference video dimensions (320 x 240) and the distorted video "
        "dimensions (240 x 180) are different."
    )
    view = await analysis_view(api, sid)
    assert set(view["series"]) == set(VMAF_SERIES)
    assert view["analyses"]["vmaf"]["state"] == "DONE"
    # the stored series are libvmaf's numbers for this pair, frame for frame
    direct = run_vmaf(vmaf_video(pair["reference"]), vmaf_video(pair["distorted"]))
    for key in VMAF_SERIES:
        points = await series_points(api, sid, key)
        assert [p["t"] for p in points] == pytest.approx(direct.t_ms.tolist())
        assert [p["value"] for p in points] == pytest.approx(direct.series[key].tolist())
    assert done["vmaf"] == pytest.approx(direct.pooled["vmaf"], abs=1e-5)
    assert 0 < done["vmaf"] < 90  # CRF 40 at 3/4 size is visibly worse than the reference
    # a rerun replaces the series instead of adding to them
    await api.gql(RUN, s=sid, r=ref, t=0)
    await run_worker()
    assert len(await series_points(api, sid, "vmaf")) == 90


async def test_vmaf_tag_launches_the_analysis(
    api: ApiClient, run_worker: Any, pair: dict[str, Path]
) -> None:
    ref = await _ready(api, run_worker, pair["reference"])
    sid = await _ready(api, run_worker, pair["reference"])  # identical content
    tagged = (await api.gql(TAGS, s=sid, t={"vmaf": ref}))["setSessionTags"]
    assert tagged["tags"] == {"vmaf": ref}
    assert (await api.gql(STATUS, s=sid))["vmafStatus"]["status"] == "pending"
    await run_worker()
    done = (await api.gql(STATUS, s=sid))["vmafStatus"]
    assert done["status"] == "success" and done["warnings"] is None
    assert done["vmaf"] > 95  # a video against itself
    # the same tag again does not start another run
    await api.gql(TAGS, s=sid, t={"vmaf": ref, "note": "x"})
    assert await run_worker() == 0


async def test_tag_on_an_uningested_session_runs_after_ingest(
    api: ApiClient, run_worker: Any, pair: dict[str, Path]
) -> None:
    ref = await _ready(api, run_worker, pair["reference"])
    created = await api.create_session_from_file(pair["distorted"], tags={"vmaf": ref})
    await run_worker()
    done = (await api.gql(STATUS, s=created["id"]))["vmafStatus"]
    assert done["status"] == "success"


async def test_reference_over_the_size_limit_is_the_seeds_error(
    api: ApiClient,
    run_worker: Any,
    pair: dict[str, Path],
    state: AppState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref = await _ready(api, run_worker, pair["reference"])
    sid = await _ready(api, run_worker, pair["distorted"])
    monkeypatch.setattr(
        state, "settings", dataclasses.replace(state.settings, vmaf_reference_limit_mib=5.0)
    )
    await api.gql(RUN, s=sid, r=ref, t=0)
    await run_worker()
    failed = (await api.gql(STATUS, s=sid))["vmafStatus"]
    assert failed["status"] == "error"
    assert failed["message"] == (
        "Reference video too large; the estimated file size of the video in raw YUV format "
        "(11 MiB) exceeds the limit of 5 MiB."
    )
    assert "vmaf" not in (await analysis_view(api, sid))["series"]


@pytest.mark.parametrize("case", ["same", "missing", "audio", "bad_tag"])
async def test_bad_vmaf_requests_are_typed_errors(
    api: ApiClient, run_worker: Any, pair: dict[str, Path], media: MediaFactory, case: str
) -> None:
    sid = await _ready(api, run_worker, pair["distorted"])
    if case == "same":
        err = await api.gql_error(RUN, s=sid, r=sid, t=0)
        assert err["extensions"]["code"] == "SAME_SESSION"
    elif case == "missing":
        err = await api.gql_error(RUN, s=sid, r="0" * 32, t=0)
        assert err["extensions"]["code"] == "SESSION_NOT_FOUND"
    elif case == "audio":
        tone = await _ready(api, run_worker, media.tone_audio())
        err = await api.gql_error(RUN, s=sid, r=tone, t=0)
        assert err["extensions"]["code"] == "NO_VIDEO"
    else:
        err = await api.gql_error(TAGS, s=sid, t={"vmaf": "0" * 32})
        assert err["extensions"]["code"] == "SESSION_NOT_FOUND"
    assert (await api.gql(STATUS, s=sid))["vmafStatus"] is None
