"""Visual page load on synthesised loads: blocks appear until a known frame, then stillness."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import MediaError
from analysis.media.frame_scan import Box
from analysis.screen.page_load import PageLoadParams
from analysis.screen.suite import ScreenParams, measure_page_load
from tests.support.screens import (
    FPS,
    FRAME_MS,
    LOAD_FRAMES,
    REQUEST_FRAME,
    encode_gray,
    loading_frames,
)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("page_load")


@pytest.fixture(scope="module")
def loads(media: Path) -> Path:
    return encode_gray(loading_frames([14, 19, 25, 31, 38]), media / "loads.mp4")


@pytest.fixture(scope="module")
def pauses(media: Path) -> Path:
    # blank for 2 s (longer than settle_ms) before the page draws
    return encode_gray(loading_frames([61, 66, 75]), media / "pauses.mp4")


@pytest.fixture(scope="module")
def never_settles(media: Path) -> Path:
    frames = loading_frames([14, 19])
    for n in range(30, LOAD_FRAMES, 10):  # a 40x40 indicator toggles every 400 ms
        frames[n : n + 10, 260:300, 180:220] = 40 if (n // 10) % 2 else 120
    return encode_gray(frames, media / "never.mp4")


def test_load_time_is_the_last_block_within_a_frame(loads: Path) -> None:
    start_ms = REQUEST_FRAME * FRAME_MS
    load = measure_page_load(loads, FPS, start_ms, 4000.0, None, ScreenParams())
    assert load.settled is True  # a plain bool, ready for JSON
    assert (load.start_frame, load.start_ms) == (REQUEST_FRAME, pytest.approx(start_ms))
    assert abs(load.loaded_frame - 38) <= 1
    assert load.loaded_ms == pytest.approx(38 * FRAME_MS, abs=FRAME_MS)
    assert load.load_time_ms == pytest.approx(load.loaded_ms - start_ms)


def test_request_starting_mid_load_counts_from_its_own_start(loads: Path) -> None:
    load = measure_page_load(loads, FPS, 1000.0, 4000.0, None, ScreenParams())
    assert load.settled and load.start_frame == 25
    assert load.load_time_ms == pytest.approx(38 * FRAME_MS - 1000.0, abs=FRAME_MS)


def test_a_region_loads_when_its_own_blocks_are_drawn(loads: Path) -> None:
    # the box holds the first two blocks only: its load ends with the block at frame 19
    box = Box(0, 0, 240, 145)
    load = measure_page_load(loads, FPS, REQUEST_FRAME * FRAME_MS, 4000.0, box, ScreenParams())
    assert load.settled
    assert abs(load.loaded_frame - 19) <= 1


def test_a_blank_pause_is_not_a_loaded_page(pauses: Path) -> None:
    start_ms = REQUEST_FRAME * FRAME_MS
    load = measure_page_load(pauses, FPS, start_ms, 5000.0, None, ScreenParams())
    assert load.settled
    assert abs(load.loaded_frame - 75) <= 1
    # a caller who counts a blank screen as loaded gets the blank screen
    blank_ok = ScreenParams(page_load=PageLoadParams(settle_min_content_pct=0.0))
    assert measure_page_load(pauses, FPS, start_ms, 5000.0, None, blank_ok).loaded_frame == 10


def test_a_screen_that_never_settles_says_so(never_settles: Path) -> None:
    load = measure_page_load(
        never_settles, FPS, REQUEST_FRAME * FRAME_MS, 5000.0, None, ScreenParams()
    )
    assert not load.settled
    assert abs(load.loaded_frame - 120) <= 1  # the last toggle in the request
    # a longer stillness threshold than the request itself can never be met either
    strict = ScreenParams(page_load=PageLoadParams(settle_ms=10_000.0))
    loads_strict = measure_page_load(never_settles, FPS, 400.0, 1000.0, None, strict)
    assert not loads_strict.settled
    assert abs(loads_strict.loaded_frame - 19) <= 1


def test_a_request_without_frames_is_a_media_error(loads: Path) -> None:
    with pytest.raises(MediaError, match="no frame"):
        measure_page_load(loads, FPS, 9000.0, 9500.0, None, ScreenParams())
