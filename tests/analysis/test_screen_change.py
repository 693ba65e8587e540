"""Screen change on a synthesised screen recording: blocks that appear and move by known areas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.errors import MediaError
from analysis.media.frame_scan import Box
from analysis.screen.change import WorkScale, changed_mask, changed_pct
from analysis.screen.suite import (
    SCREEN_KEYS,
    SCREEN_SERIES,
    ScreenRequest,
    UnknownScreenKey,
    check_screen_keys,
    run_screen_analyses,
)
from tests.support.screens import FPS, encode_gray, text_page

WIDTH, HEIGHT = 320, 240
FRAMES = 60
BACKGROUND = 200


def change_frames() -> tuple[np.ndarray, np.ndarray]:
    """The frames and each frame's true screen change in % of the picture.

    0-9 still; 10: an 80x60 block appears (6.25 %); 11-19 still; 20: a 40x40 block appears
    (2.083 %); 21-27: it jumps 40 px right each frame (old + new place: 4.167 %) to the right
    edge; then still.
    """
    frames = np.full((FRAMES, HEIGHT, WIDTH), BACKGROUND, np.uint8)
    frames[:, 150:230, 20:300] = text_page(80, 280, seed=1)  # static texture that never changes
    frames[10:, 20:80, 20:100] = 40
    for n in range(20, FRAMES):
        x = 40 * min(n - 20, 7)
        frames[n, 100:140, x : x + 40] = 255
    truth = np.zeros(FRAMES)
    truth[10] = 100 * 80 * 60 / (WIDTH * HEIGHT)
    truth[20] = 100 * 40 * 40 / (WIDTH * HEIGHT)
    truth[21:28] = 2 * truth[20]
    return frames, truth


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encode_gray(change_frames()[0], tmp_path_factory.mktemp("change") / "change.mp4")


def test_every_frame_scores_the_changed_share_of_the_screen(video: Path) -> None:
    result = run_screen_analyses(video, FPS, ScreenRequest(0.0, 10_000.0, ("screen_change",)))
    series = result.series["screen_change"]
    assert set(result.series) == {"screen_change"}
    assert result.frames_decoded == FRAMES
    assert series.t_ms == pytest.approx(np.arange(FRAMES) * 40.0)
    truth = change_frames()[1]
    # block edges smear by a pixel or two through 4:2:0 coding; still frames stay at 0
    assert series.values == pytest.approx(truth, abs=0.3)
    assert np.all(series.values[truth == 0] < 0.1)


def test_interval_start_is_scored_against_the_frame_before_it(video: Path) -> None:
    request = ScreenRequest(400.0, 880.0, ("screen_change",))
    series = run_screen_analyses(video, FPS, request).series["screen_change"]
    assert series.t_ms == pytest.approx(np.arange(10, 22) * 40.0)
    assert series.values[0] == pytest.approx(6.25, abs=0.3)  # frame 10 against frame 9


def test_box_measures_its_own_region(video: Path) -> None:
    # the moving block's row only: it fills 40x40 of the 320x40 box
    request = ScreenRequest(0.0, 10_000.0, ("screen_change",), box=Box(0, 100, 320, 140))
    values = run_screen_analyses(video, FPS, request).series["screen_change"].values
    assert values[10] < 0.05
    assert values[20] == pytest.approx(12.5, abs=1.0)
    assert values[25] == pytest.approx(25.0, abs=1.5)


def test_working_scale_and_mask() -> None:
    scale = WorkScale.for_picture(1080, 1920, 480)
    assert (scale.factor, scale.width, scale.height) == (4, 270, 480)
    assert WorkScale.for_picture(1280, 720, 480).factor == 3
    assert WorkScale.for_picture(320, 240, 480).factor == 1
    luma = np.full((1920, 1080), 100, np.uint8)
    luma[:400, :] = 180
    work = scale.apply(luma)
    assert work.shape == (480, 270)
    changed = changed_mask(np.full_like(work, 100), work, 10)
    assert changed_pct(changed) == pytest.approx(100 * 400 / 1920)


def test_keys_are_checked_and_listed() -> None:
    assert check_screen_keys(()) == SCREEN_KEYS
    assert check_screen_keys(["page_content", "screen_change", "page_content"]) == (
        "screen_change",
        "page_content",
    )
    with pytest.raises(UnknownScreenKey, match="'screen-change'"):
        check_screen_keys(("screen-change",))
    assert {info.units for info in SCREEN_SERIES.values()} == {"%"}
    assert {info.category for info in SCREEN_SERIES.values()} == {"Screen"}


def test_undecodable_media_and_bad_boxes_are_media_errors(video: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video" * 100)
    with pytest.raises(MediaError):
        run_screen_analyses(junk, FPS, ScreenRequest(0.0, 1000.0, ()))
    with pytest.raises(MediaError, match="outside"):
        run_screen_analyses(video, FPS, ScreenRequest(0.0, 1000.0, (), box=Box(0, 0, 400, 10)))
