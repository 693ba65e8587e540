"""The suite's contract: keys, interval bounds, sampling, one decode pass, process pools."""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from analysis.errors import MediaError
from analysis.media.frame_scan import Box
from analysis.quality import (
    QUALITY_KEYS,
    QUALITY_SERIES,
    QualityParams,
    QualityRequest,
    UnknownAnalysisKey,
    check_keys,
    run_quality_suite,
)
from tests.support.media import ffmpeg

FPS = 30
FRAMES = 90  # 3 s
FRAME_MS = 1000.0 / FPS
SERIES_KEYS = tuple(k for k in QUALITY_KEYS if k != "screen_freezing")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s of testsrc2, 320x240 at 30 fps, H.264 with a keyframe every second and B-frames."""
    target = tmp_path_factory.mktemp("suite") / "testsrc2.mp4"
    ffmpeg(
        *["-f", "lavfi", "-i", f"testsrc2=s=320x240:r={FPS}:d={FRAMES // FPS}"],
        *["-c:v", "libx264", "-preset", "veryfast", "-g", str(FPS), "-bf", "3"],
        *["-pix_fmt", "yuv420p", str(target)],
    )
    return target


def frame_times(first: int, last: int, step: int) -> list[float]:
    return [n * FRAME_MS for n in range(first, last + 1, step)]


def test_keys_are_checked_and_ordered() -> None:
    assert check_keys(None) == QUALITY_KEYS
    assert check_keys(()) == QUALITY_KEYS
    assert check_keys(["contrast", "blockiness", "contrast"]) == ("blockiness", "contrast")
    with pytest.raises(UnknownAnalysisKey, match="'sharpness'") as caught:
        check_keys(["contrast", "sharpness"])
    assert caught.value.key == "sharpness"
    assert isinstance(caught.value, ValueError)
    assert set(QUALITY_SERIES) == set(SERIES_KEYS)
    assert QUALITY_SERIES["video_quality_mos"].units == "MOS (1-5)"


def test_unknown_key_fails_before_decoding(tmp_path: Path) -> None:
    request = QualityRequest(0.0, 1000.0, ("brightness", "vmaf"))
    with pytest.raises(UnknownAnalysisKey, match="'vmaf'"):
        run_quality_suite(tmp_path / "absent.mp4", FPS, request)


def test_all_keys_in_one_pass_over_an_interval(clip: Path) -> None:
    # 1.0 s to 2.0 s: frames 30..59, starting on a keyframe and ending before one
    reported: list[float] = []
    result = run_quality_suite(clip, FPS, QualityRequest(1000.0, 2000.0, ()), reported.append)
    assert result.frames_decoded == 30
    assert set(result.series) == set(SERIES_KEYS)
    for key, series in result.series.items():
        step = 15 if key == "video_quality_mos" else 3  # 2 and 10 a second at 30 fps
        assert series.key == key
        assert series.t_ms.tolist() == pytest.approx(frame_times(30, 59, step))
        assert np.isfinite(series.values).all()
    assert result.freezes == ()  # testsrc2 moves all the time
    assert reported == sorted(reported) and reported[-1] == 1.0 and 0.0 <= reported[0]
    assert len(reported) > 10


def test_an_interval_inside_a_gop_starts_and_ends_exactly(clip: Path) -> None:
    # 1.45 s lies between frames 43 and 44; 2.51 s between 75 and 76
    result = run_quality_suite(clip, FPS, QualityRequest(1450.0, 2510.0, ("brightness",)))
    assert result.frames_decoded == 76 - 44
    assert result.series["brightness"].t_ms.tolist() == pytest.approx(frame_times(44, 75, 3))


def test_narrowed_keys_compute_only_those(clip: Path) -> None:
    request = QualityRequest(0.0, math.inf, ("contrast", "colorfulness"))
    result = run_quality_suite(clip, FPS, request)
    assert list(result.series) == ["colorfulness", "contrast"]
    assert set(result.seconds) == {"colorfulness", "contrast", "decode"}
    assert result.freezes == ()
    assert result.frames_decoded == FRAMES  # to the end of the video


def test_sampling_rates_follow_the_params(clip: Path) -> None:
    params = QualityParams(sample_hz=30.0, mos_hz=4.0)
    request = QualityRequest(0.0, 1000.0, ("brightness", "video_quality_mos"), params=params)
    series = run_quality_suite(clip, FPS, request).series
    assert len(series["brightness"]) == 30  # every frame
    # round(30 / 4) = 8 (Python rounds halves to even): frames 0, 8, 16, 24
    assert series["video_quality_mos"].t_ms.tolist() == pytest.approx(frame_times(0, 29, 8))
    slow = QualityRequest(0.0, 1000.0, ("brightness",), params=QualityParams(sample_hz=0.5))
    assert run_quality_suite(clip, FPS, slow).series["brightness"].t_ms.tolist() == [0.0]


def test_runs_in_a_process_pool(clip: Path) -> None:
    request = QualityRequest(500.0, 1500.0, ("blurriness", "screen_freezing"), Box(0, 0, 160, 120))
    here = run_quality_suite(clip, FPS, request)
    with ProcessPoolExecutor(max_workers=1) as pool:
        there = pool.submit(run_quality_suite, clip, FPS, request).result()
    assert there.frames_decoded == here.frames_decoded == 30
    assert there.freezes == here.freezes
    assert np.array_equal(there.series["blurriness"].values, here.series["blurriness"].values)


def test_bad_requests_are_refused(clip: Path) -> None:
    with pytest.raises(ValueError, match="interval"):
        run_quality_suite(clip, FPS, QualityRequest(2000.0, 1000.0, ()))
    with pytest.raises(MediaError, match="outside the 320x240 picture"):
        run_quality_suite(clip, FPS, QualityRequest(0.0, 1000.0, (), Box(0, 0, 400, 100)))
    with pytest.raises(MediaError, match="frame rate"):
        run_quality_suite(clip, 0.0, QualityRequest(0.0, 1000.0, ()))
    with pytest.raises(ValueError, match="sample_hz"):
        QualityParams(sample_hz=0.0)
