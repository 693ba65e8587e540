"""Loading animations: a spinner on a still page is found with its region, interval and period;
motion that is broad, travels or does not repeat is not."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from analysis.media.frame_scan import Box
from analysis.screen.loading_animation import (
    LoadingAnimation,
    LoadingAnimationParams,
    oscillation_period,
    repeat_period,
)
from analysis.screen.suite import ScreenParams, ScreenRequest, run_screen_analyses
from tests.support.screens import (
    FPS,
    FRAME_MS,
    PHONE_HEIGHT,
    PHONE_WIDTH,
    SPIN_FIRST,
    SPIN_FRAMES,
    SPIN_LAST,
    encode_gray,
    spinner_frames,
    spinner_page,
    text_page,
)

WIDTH, HEIGHT = PHONE_WIDTH, PHONE_HEIGHT
FRAMES = SPIN_FRAMES


def drawn_region(frames: np.ndarray) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of every pixel the animation ever changes."""
    changed = np.any(frames != frames[0], axis=0)
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def animations(
    video: Path, box: Box | None = None, params: ScreenParams | None = None
) -> tuple[LoadingAnimation, ...]:
    request = ScreenRequest(
        0.0, 10_000.0, ("loading_animation_issue",), box=box, params=params or ScreenParams()
    )
    return run_screen_analyses(video, FPS, request).loading_animations


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("loading")


@pytest.fixture(scope="module")
def spinner(media: Path) -> Path:
    return encode_gray(spinner_frames(30.0), media / "spinner.mp4")  # a turn in 12 frames


def assert_spinner_found(found: LoadingAnimation, region: tuple[int, int, int, int]) -> None:
    assert abs(found.interval.start_frame - SPIN_FIRST) <= 1
    # the spinner's last change is its removal at frame 100
    assert abs(found.interval.end_frame - (SPIN_LAST + 1)) <= 2
    assert found.interval.start_ms == pytest.approx(found.interval.start_frame * FRAME_MS)
    box = found.region
    assert np.abs(np.array([box.x0, box.y0, box.x1, box.y1]) - region).max() <= 3


def test_spinner_is_found_with_region_interval_and_period(spinner: Path) -> None:
    found = animations(spinner)
    assert len(found) == 1
    assert_spinner_found(found[0], drawn_region(spinner_frames(30.0)))
    assert found[0].period_ms == pytest.approx(12 * FRAME_MS)


def test_region_is_in_picture_pixels_when_a_box_is_scanned(spinner: Path) -> None:
    found = animations(spinner, box=Box(40, 100, 220, 260))
    assert len(found) == 1
    assert_spinner_found(found[0], drawn_region(spinner_frames(30.0)))


def test_period_that_is_not_a_whole_number_of_frames(media: Path) -> None:
    # 17° a frame: a turn every 21.2 frames
    video = encode_gray(spinner_frames(17.0), media / "spinner17.mp4")
    found = animations(video)
    assert len(found) == 1
    assert found[0].period_ms == pytest.approx(21 * FRAME_MS)


def test_animation_shorter_than_the_minimum_is_no_issue(media: Path) -> None:
    video = encode_gray(spinner_frames(30.0, first=25, last=44), media / "short.mp4")  # 0.8 s
    assert animations(video) == ()
    params = ScreenParams(loading_animation=LoadingAnimationParams(min_duration_ms=600.0))
    assert len(animations(video, params=params)) == 1


def test_still_page_has_none(media: Path) -> None:
    still = np.repeat(spinner_page()[None], FRAMES, axis=0)
    assert animations(encode_gray(still, media / "still.mp4")) == ()


def test_full_screen_scroll_has_none(media: Path) -> None:
    long_page = text_page(3 * HEIGHT, WIDTH, seed=10)
    frames = np.stack([long_page[4 * n : 4 * n + HEIGHT] for n in range(FRAMES)])
    assert animations(encode_gray(frames, media / "scroll.mp4")) == ()


def test_small_motion_that_does_not_repeat_has_none(media: Path) -> None:
    # a small "video" (smooth texture panning 3 px a frame) in the spinner's place for 3 s
    rng = np.random.default_rng(1)
    texture = cv2.GaussianBlur(rng.integers(0, 255, (40, 600)).astype(np.uint8), (5, 5), 0)
    frames = np.repeat(spinner_page()[None], FRAMES, axis=0)
    for n in range(SPIN_FIRST, SPIN_LAST + 1):
        frames[n, 145:185, 80:160] = texture[:, 3 * n : 3 * n + 80]
    assert animations(encode_gray(frames, media / "small_video.mp4")) == ()


def test_pulsing_dot_crossing_the_screen_has_none(media: Path) -> None:
    # each frame's change is small and its size pulses every 8 frames, but it does not stay in
    # place: the union of its boxes is most of the screen
    frames = np.repeat(np.full((HEIGHT, WIDTH), 245, np.uint8)[None], FRAMES, axis=0)
    for n in range(SPIN_FIRST, SPIN_LAST + 1):
        k = n - SPIN_FIRST
        cv2.circle(frames[n], (30 + 2 * k, 40 + 3 * k), 6 + 4 * (k // 4 % 2), 40, -1)
    video = encode_gray(frames, media / "crossing.mp4")
    assert animations(video) == ()
    anywhere = ScreenParams(loading_animation=LoadingAnimationParams(max_region_pct=100.0))
    assert len(animations(video, params=anywhere)) == 1


def test_repeat_period_needs_the_picture_to_come_back() -> None:
    lags = np.arange(1, 31)
    offsets = np.arange(60)
    spinning = np.tile(np.abs(np.sin(np.pi * lags / 12)) * 30 + 1, (60, 1))
    assert repeat_period(spinning, offsets, 0.35) == 12
    drifting = np.tile(np.minimum(lags * 2.0, 30.0), (60, 1))  # grows and stays: no return
    assert repeat_period(drifting, offsets, 0.35) is None


def test_oscillation_period_of_the_change_count() -> None:
    t = np.arange(75)
    assert oscillation_period(100 + 50 * np.sin(2 * np.pi * t / 10), 37, 0.5) == 10
    assert oscillation_period(np.full(75, 100), 37, 0.5) is None  # steady: no rhythm
    noise = 100 + 30 * np.random.default_rng(2).standard_normal(75)
    assert oscillation_period(noise, 37, 0.5) is None
