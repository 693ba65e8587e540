"""OCR over a synthesised 25 fps video whose text appears and changes at known frames."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from analysis.media.frame_scan import Box
from analysis.ocr.crop import has_changed
from analysis.ocr.params import read_ocr_params
from analysis.ocr.scan import run_ocr
from tests.support.media import encode_frames
from tests.support.rendered_text import CJK, SERIF, place, text_image

FPS = 25
FRAMES = 100
W, H = 560, 256
ENGLISH = Box(0, 0, 480, 64)
JAPANESE = Box(0, 96, 480, 160)
LANDSCAPE = Box(488, 40, 552, 240)


@dataclass(frozen=True)
class Shown:
    first: int
    last: int
    text: str


# (first frame, last frame, text) per box; gaps show a blank box
ENGLISH_TRUTH = (
    Shown(10, 39, "Welcome back Anna"),
    Shown(40, 69, "Your order has shipped"),
    Shown(70, 99, "Rate your delivery"),
)
JAPANESE_TRUTH = (Shown(25, 59, "東京の天気は晴れ"), Shown(60, 84, "ログインしてください"))
LANDSCAPE_TRUTH = (Shown(30, 79, "Play again"),)


def _pictures(frame: int) -> np.ndarray:
    image = np.full((H, W, 3), 235, np.uint8)
    image[64:96, :480] = (40, 90, 160)  # a moving bar between the boxes must not disturb them
    x = (frame * 9) % 440
    image[70:90, x : x + 40] = (250, 250, 250)
    for shown in ENGLISH_TRUTH:
        if shown.first <= frame <= shown.last:
            light = shown.text.startswith("Your")  # light on dark for the middle line
            fg, bg = ((255, 255, 255), (30, 30, 30)) if light else ((0, 0, 0), (235, 235, 235))
            place(image, text_image(shown.text, size=30, fg=fg, bg=bg, width=480, height=64), 0, 0)
    for shown in JAPANESE_TRUTH:
        if shown.first <= frame <= shown.last:
            picture = text_image(shown.text, font=CJK, size=30, width=480, height=64,
                                 bg=(235, 235, 235))  # fmt: skip
            place(image, picture, 0, 96)
    for shown in LANDSCAPE_TRUTH:
        if shown.first <= frame <= shown.last:
            upright = text_image(shown.text, font=SERIF, size=30, width=200, height=64,
                                 bg=(235, 235, 235))  # fmt: skip
            # a landscape capture: the text runs bottom to top in the portrait recording
            place(image, cv2.rotate(upright, cv2.ROTATE_90_COUNTERCLOCKWISE), 488, 40)
    return image


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frames = np.stack([_pictures(n) for n in range(FRAMES)])
    return encode_frames(frames, tmp_path_factory.mktemp("ocr") / "text.mp4", crf=18, fps=FPS)


def _check(segments: tuple, truth: tuple[Shown, ...]) -> None:
    assert [s.text for s in segments] == [t.text for t in truth]
    for segment, shown in zip(segments, truth, strict=True):
        assert abs(segment.start_frame - shown.first) <= 1
        assert abs(segment.end_frame - shown.last) <= 1
        assert segment.start_ms == pytest.approx(segment.start_frame * 1000 / FPS)
        assert segment.end_ms == pytest.approx((segment.end_frame + 1) * 1000 / FPS)


def test_english_lines_and_their_intervals(video: Path) -> None:
    result = run_ocr(video, FPS, 0.0, FRAMES * 40.0, ENGLISH, read_ocr_params({}))
    _check(result.segments, ENGLISH_TRUTH)
    assert result.frames == FRAMES
    assert result.calls <= 8  # one read per change (and a few for coding noise at most)
    assert all(min(s.confidences) >= 80 for s in result.segments)


def test_japanese_lines_without_spaces(video: Path) -> None:
    params = read_ocr_params({"ocr_config": "--psm 7 -l jpn"})
    result = run_ocr(video, FPS, 0.0, FRAMES * 40.0, JAPANESE, params)
    _check(result.segments, JAPANESE_TRUTH)


def test_landscape_turns_the_crop_upright(video: Path) -> None:
    params = read_ocr_params({"landscape": True})
    result = run_ocr(video, FPS, 0.0, FRAMES * 40.0, LANDSCAPE, params)
    _check(result.segments, LANDSCAPE_TRUTH)


def test_interval_limits_the_frames_read(video: Path) -> None:
    result = run_ocr(video, FPS, 1000.0, 2000.0, ENGLISH, read_ocr_params({}))
    assert [(s.text, s.start_frame, s.end_frame) for s in result.segments] == [
        ("Welcome back Anna", 25, 39),
        ("Your order has shipped", 40, 49),
    ]
    assert result.segments[-1].end_ms == pytest.approx(2000.0)


def test_changed_means_more_than_coding_noise() -> None:
    rng = np.random.default_rng(1)
    crop = cv2.cvtColor(text_image("Hello world", size=30), cv2.COLOR_BGR2GRAY)
    noisy = np.clip(crop + rng.integers(-12, 13, crop.shape), 0, 255).astype(np.uint8)
    assert not has_changed(crop, noisy)
    other = cv2.cvtColor(text_image("Hello worle", size=30), cv2.COLOR_BGR2GRAY)
    assert has_changed(crop, other)
    assert has_changed(None, crop)
