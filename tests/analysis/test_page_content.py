"""Page content on blank and text-like pages, and low-content intervals exact to a sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.screen.content import ContentParams, ContentSampler, content_pct
from analysis.screen.suite import ScreenParams, ScreenRequest, run_screen_analyses
from analysis.series import Interval
from tests.support.screens import FPS, FRAME_MS, PHONE_HEIGHT, PHONE_WIDTH, encode_gray, text_page

WIDTH, HEIGHT = PHONE_WIDTH, PHONE_HEIGHT
FRAMES = 150
# What the video shows (frames, inclusive): a text page, a blank screen, ...
TEXT_1, BLANK_1, TEXT_2, BLANK_2, TEXT_3 = (0, 24), (25, 74), (75, 99), (100, 114), (115, 149)


def content_frames() -> np.ndarray:
    page = text_page(HEIGHT, WIDTH, seed=3)
    sparse = np.full((HEIGHT, WIDTH), 245, np.uint8)
    sparse[:24, :] = text_page(24, WIDTH, seed=4)  # a blank page under a one-line header
    frames = np.empty((FRAMES, HEIGHT, WIDTH), np.uint8)
    for (first, last), image in zip(
        (TEXT_1, BLANK_1, TEXT_2, BLANK_2, TEXT_3), (page, sparse, page, sparse, page), strict=True
    ):
        frames[first : last + 1] = image
    return frames


def spans(intervals: tuple[Interval, ...]) -> list[tuple[int, int, float, float]]:
    return [
        (i.start_frame, i.end_frame, round(i.start_ms, 6), round(i.end_ms, 6)) for i in intervals
    ]


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encode_gray(content_frames(), tmp_path_factory.mktemp("content") / "content.mp4")


def test_text_page_scores_high_and_blank_pages_near_zero() -> None:
    page = text_page(HEIGHT, WIDTH, seed=5)
    assert content_pct(page, 8, 4.0) > 60
    assert content_pct(np.full((HEIGHT, WIDTH), 245, np.uint8), 8, 4.0) == 0.0
    assert content_pct(np.full((HEIGHT, WIDTH), 30, np.uint8), 8, 4.0) == 0.0
    # a smooth full-screen gradient is background, not content
    gradient = np.tile(np.linspace(16, 235, WIDTH).astype(np.uint8), (HEIGHT, 1))
    assert content_pct(gradient, 8, 4.0) == 0.0
    # content is measured per block: a quarter of the page covered → about a quarter
    quarter = np.full((HEIGHT, WIDTH), 245, np.uint8)
    quarter[: HEIGHT // 4] = page[: HEIGHT // 4]
    assert content_pct(quarter, 8, 4.0) == pytest.approx(content_pct(page, 8, 4.0) / 4, abs=3)


def test_sampler_takes_the_first_frame_at_or_after_each_sample_time() -> None:
    sampler = ContentSampler(0.0, 10.0)
    picked = [n for n in range(30) if sampler.due(n * 40.0)]
    assert picked == [0, 3, 5, 8, 10, 13, 15, 18, 20, 23, 25, 28]
    slow = ContentSampler(0.0, 10.0)  # a 4 fps recording: one sample per frame, not two
    assert [slow.due(n * 250.0) for n in range(4)] == [True] * 4


def test_series_at_ten_hertz_follows_the_page(video: Path) -> None:
    result = run_screen_analyses(video, FPS, ScreenRequest(0.0, 10_000.0, ("page_content",)))
    series = result.series["page_content"]
    assert set(result.series) == {"page_content"}
    assert result.frames_decoded == FRAMES
    assert len(series) == 60  # 6 s at 10 per second
    assert np.diff(series.t_ms) == pytest.approx(np.tile([120.0, 80.0], 30)[:59])
    shown = np.round(series.t_ms / FRAME_MS).astype(int)
    blank = ((shown >= 25) & (shown <= 74)) | ((shown >= 100) & (shown <= 114))
    assert np.all(series.values[~blank] > 60)
    assert np.all(series.values[blank] < 10)
    assert np.all(series.values[blank] > 2)  # the header line is there


def test_low_content_interval_is_exact_to_a_sample(video: Path) -> None:
    keys = ("low_page_content_issue",)
    result = run_screen_analyses(video, FPS, ScreenRequest(0.0, 10_000.0, keys))
    assert result.series == {}
    # 25-74 (2 s) lies on sample times at both ends; 100-114 (0.6 s) is shorter than 1 s
    assert spans(result.low_content) == [(25, 74, 1000.0, 3000.0)]


def test_sampling_every_frame_gives_frame_exact_intervals(video: Path) -> None:
    params = ScreenParams(content=ContentParams(sample_hz=FPS, min_duration_ms=500.0))
    request = ScreenRequest(0.0, 10_000.0, ("low_page_content_issue",), params=params)
    assert spans(run_screen_analyses(video, FPS, request).low_content) == [
        (25, 74, 1000.0, 3000.0),
        (100, 114, 4000.0, 4600.0),
    ]


def test_interval_cut_by_the_request_ends_with_its_last_frame(video: Path) -> None:
    # every sample in 2000-2600 ms is blank; the last frame shown is 64 (2560-2600 ms)
    keys = ("low_page_content_issue",)
    params = ScreenParams(content=ContentParams(min_duration_ms=600.0))
    request = ScreenRequest(2000.0, 2600.0, keys, params=params)
    assert spans(run_screen_analyses(video, FPS, request).low_content) == [(50, 64, 2000.0, 2600.0)]
    # with the default minimum of 1 s the same 600 ms are no issue
    assert run_screen_analyses(video, FPS, ScreenRequest(2000.0, 2600.0, keys)).low_content == ()
