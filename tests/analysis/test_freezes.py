"""Screen freezing: planted freezes in moving clips are found to the frame, none elsewhere.

The moving clip is ``tests.support.media.motion_frames`` (every frame differs a lot from the
next); freezes are planted by repeating a frame with numpy before encoding, so the ground truth
is the list of repeated spans.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from analysis.quality.freezes import FreezeDetector
from analysis.quality.suite import QualityParams, QualityRequest, run_quality_suite
from analysis.series import Interval
from tests.support.media import MOTION_FRAMES, SAMPLE_FPS, ffmpeg, motion_frames, raw_video_input

FRAME_MS = 1000.0 / SAMPLE_FPS
# (first, last) frame of each planted freeze: 800 ms with a keyframe (frame 25) inside it,
# 400 ms, and 200 ms (under the 300 ms default)
PLANTED = ((20, 39), (90, 99), (120, 124))
LONG_ENOUGH = PLANTED[:2]


def planted_frames(spans: tuple[tuple[int, int], ...]) -> np.ndarray:
    """The motion clip with frame ``first`` repeated up to ``last`` for each span."""
    order = np.arange(MOTION_FRAMES)
    for first, last in spans:
        order[first : last + 1] = first
    return motion_frames()[order]


def encode(frames: np.ndarray, target: Path, *quality: str) -> Path:
    height, width = frames.shape[1:3]
    ffmpeg(
        *raw_video_input("bgr24", width, height, SAMPLE_FPS),
        *["-c:v", "libx264", "-preset", "veryfast", *quality, "-g", "25", "-bf", "3"],
        *["-pix_fmt", "yuv420p", str(target)],
        stdin=frames.tobytes(),
    )
    return target


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("freezes")
    planted = planted_frames(PLANTED)
    coffee = cv2.cvtColor(data.coffee(), cv2.COLOR_RGB2BGR)
    slow_pan = np.stack([coffee[80:320, n : n + 320] for n in range(100)])  # 1 pixel a frame
    return {
        "lossless": encode(planted, root / "lossless.mp4", "-qp", "0"),
        "high_quality": encode(planted, root / "high.mp4", "-crf", "18"),
        "moving": encode(motion_frames(), root / "moving.mp4", "-crf", "18"),
        "slow_pan": encode(slow_pan, root / "slow_pan.mp4", "-crf", "23"),
    }


def freezes_of(
    path: Path,
    start_ms: float = 0.0,
    end_ms: float = math.inf,
    params: QualityParams = QualityParams(),
) -> tuple[Interval, ...]:
    request = QualityRequest(start_ms, end_ms, ("screen_freezing",), params=params)
    return run_quality_suite(path, SAMPLE_FPS, request).freezes


def assert_found(found: tuple[Interval, ...], truth: tuple[tuple[int, int], ...]) -> None:
    assert len(found) == len(truth), found
    for freeze, (first, last) in zip(found, truth, strict=True):
        assert abs(freeze.start_frame - first) <= 1 and abs(freeze.end_frame - last) <= 1
        assert freeze.start_ms == pytest.approx(freeze.start_frame * FRAME_MS)
        assert freeze.end_ms == pytest.approx((freeze.end_frame + 1) * FRAME_MS)


@pytest.mark.parametrize("encoding", ["lossless", "high_quality"])
def test_planted_freezes_are_found_to_a_frame(media: dict[str, Path], encoding: str) -> None:
    found = freezes_of(media[encoding])
    assert_found(found, LONG_ENOUGH)
    if encoding == "lossless":  # the repeated pictures are exactly equal: exact to the frame
        assert [(f.start_frame, f.end_frame) for f in found] == list(LONG_ENOUGH)


def test_min_freeze_length_decides_what_counts(media: dict[str, Path]) -> None:
    assert_found(freezes_of(media["lossless"], params=QualityParams(min_freeze_ms=150.0)), PLANTED)
    assert_found(
        freezes_of(media["lossless"], params=QualityParams(min_freeze_ms=500.0)), PLANTED[:1]
    )


def test_no_freezes_in_moving_clips(media: dict[str, Path]) -> None:
    assert freezes_of(media["moving"]) == ()
    # a slow pan changes each frame by less than the tolerance, but the run's first frame
    # soon differs by more
    assert freezes_of(media["slow_pan"]) == ()


def test_interval_bounds_clip_the_freezes(media: dict[str, Path]) -> None:
    # from inside the first freeze to inside the second: both are cut at the interval's ends
    found = freezes_of(media["lossless"], start_ms=30 * FRAME_MS, end_ms=98 * FRAME_MS)
    assert [(f.start_frame, f.end_frame) for f in found] == [(30, 39), (90, 97)]
    assert found[0].start_ms == pytest.approx(30 * FRAME_MS)
    assert found[1].end_ms == pytest.approx(98 * FRAME_MS)  # one frame after the last frame


def test_detector_streams_frames_and_tolerates_noise() -> None:
    rng = np.random.default_rng(5)
    pictures = rng.integers(0, 256, (6, 90, 160), dtype=np.uint8)
    noise = rng.integers(-1, 2, (90, 160))
    # pictures 0..5 shown for 1, 12, 1, 3, 9, 1 frames at 30 fps; the repeats of picture 1 carry
    # a level of noise, the still runs of 12 and 9 frames are 400 and 300 ms long
    shown = [0] + [1] * 12 + [2] + [3] * 3 + [4] * 9 + [5]
    detector = FreezeDetector(1000.0 / 30)
    for number, picture in enumerate(shown):
        luma = pictures[picture]
        if picture == 1 and number % 2 == 0:
            luma = np.clip(luma + noise, 0, 255).astype(np.uint8)
        detector.add(number, number * 1000.0 / 30, luma)
    found = detector.finish()
    assert [(f.start_frame, f.end_frame) for f in found] == [(1, 12), (17, 25)]
    assert found[0].start_ms == pytest.approx(1000.0 / 30)
    assert found[0].end_ms == pytest.approx(13 * 1000.0 / 30)


def test_a_freeze_running_at_the_end_closes_one_frame_later() -> None:
    detector = FreezeDetector(40.0, min_freeze_ms=100.0)
    still = np.full((36, 64), 80, np.uint8)
    detector.add(7, 280.0, still + 50)
    for number in range(8, 12):
        detector.add(number, number * 40.0, still)
    assert detector.finish() == (Interval(320.0, 480.0, 8, 11),)


def test_a_slow_drift_under_the_tolerance_is_not_a_freeze() -> None:
    # each frame is half a level brighter than the one before: under the 1-level tolerance
    # frame to frame, but the run's first frame is left behind after two frames
    detector = FreezeDetector(1000.0 / 30)
    base = np.random.default_rng(2).integers(40, 200, (90, 160)).astype(np.float32)
    for number in range(60):
        detector.add(number, number * 1000.0 / 30, np.round(base + number / 2).astype(np.uint8))
    assert detector.finish() == ()
