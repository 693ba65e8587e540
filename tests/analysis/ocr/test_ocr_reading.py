"""Tesseract on rendered text: exact lines across fonts, sizes, colours and both languages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from analysis.ocr.engine import Tesseract
from analysis.ocr.params import read_ocr_params
from analysis.ocr.scan import read_crop
from tests.support.rendered_text import CJK, MONO, SANS, SERIF, text_image

WHITE, BLACK = (255, 255, 255), (0, 0, 0)
NAVY, YELLOW = (80, 20, 10), (40, 220, 250)


@pytest.fixture(scope="module")
def engine() -> Tesseract:
    return Tesseract()


@pytest.mark.parametrize(
    ("text", "font", "size", "fg", "bg", "config"),
    [
        ("What can we help you find?", SANS, 28, BLACK, WHITE, "--psm 7"),
        ("Checkout total 42.50", SERIF, 32, WHITE, BLACK, "--psm 7"),
        ("LOADING PROFILE", MONO, 24, YELLOW, NAVY, "--psm 7"),
        ("Settings and privacy", SANS, 36, WHITE, NAVY, "--psm 6"),
        ("東京の天気は晴れ", CJK, 32, BLACK, WHITE, "--psm 7 -l jpn"),
        ("ログインしてください", CJK, 28, WHITE, BLACK, "--psm 7 -l jpn"),
        ("Sale 大特価", CJK, 32, BLACK, WHITE, "--psm 7 -l eng+jpn"),
    ],
)
def test_lines_read_exactly(
    engine: Tesseract,
    text: str,
    font: str,
    size: int,
    fg: tuple[int, int, int],
    bg: tuple[int, int, int],
    config: str,
) -> None:
    crop = text_image(text, font=font, size=size, fg=fg, bg=bg)
    read = read_crop(engine, crop, read_ocr_params({"ocr_config": config}))
    assert read.text == text
    assert len(read.confidences) >= 1 and min(read.confidences) >= 80


def test_the_seeds_digit_whitelist_reads_only_digits(engine: Tesseract) -> None:
    # the seed's example: whitelist digits, threshold 70; given the whitelist, Tesseract 5 reads
    # this line as "12345" and " 6785", both at confidence 0, so nothing would pass 70
    crop = text_image("Order 12345 ready in 678 seconds", size=30)
    params = read_ocr_params(
        {"ocr_config": "-c tessedit_char_whitelist=1234567890", "confidence_threshold": 70}
    )
    read = read_crop(engine, crop, params)
    assert read.text == "12345 678"
    assert all(c >= 70 for c in read.confidences)


def test_target_height_rescues_ten_pixel_text(engine: Tesseract) -> None:
    big = text_image("Tap to continue", size=40, margin=20)
    small = cv2.resize(big, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)  # ~10 px text
    assert small.shape[0] < 25
    without = read_crop(engine, small, read_ocr_params({}))
    rescued = read_crop(engine, small, read_ocr_params({"target_height": 100}))
    assert without.text != "Tap to continue"
    assert rescued.text == "Tap to continue"


def test_blank_crop_reads_nothing(engine: Tesseract) -> None:
    blank = np.full((60, 300, 3), 255, np.uint8)
    assert read_crop(engine, blank, read_ocr_params({})).text == ""
