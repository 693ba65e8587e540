"""ocr_config and the other ocr-request parameters: the accepted list, quoting, defaults."""

from __future__ import annotations

import pytest

from analysis.ocr.config import TesseractOptions, parse_ocr_config
from analysis.ocr.params import OcrParams, read_ocr_params
from analysis.ocr.text import Word, join_words, kept_text
from analysis.parameter_error import ParameterError


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("--psm 7", TesseractOptions()),
        ("", TesseractOptions()),
        ("-c tessedit_char_whitelist=1234567890", TesseractOptions(whitelist="1234567890")),
        (
            '--psm 8 -l eng+jpn -c tessedit_char_whitelist=" ABC" -c tessedit_char_blacklist=xyz',
            TesseractOptions(psm=8, lang="eng+jpn", whitelist=" ABC", blacklist="xyz"),
        ),
        ("-l jpn --psm 13", TesseractOptions(psm=13, lang="jpn")),
        ("--psm 3 -l eng", TesseractOptions(psm=3)),
        ("-c 'tessedit_char_blacklist=a b'", TesseractOptions(blacklist="a b")),
    ],
)
def test_accepted_configs(config: str, expected: TesseractOptions) -> None:
    assert parse_ocr_config(config) == expected


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ("--oem 1", "'--oem'"),
        ("--psm 12", "--psm '12'"),
        ("--psm 2", "--psm '2'"),
        ("--psm seven", "--psm 'seven'"),
        ("--psm", "needs a value"),
        ("-l fra", "-l 'fra'"),
        ("-l eng+fra", "-l 'eng+fra'"),
        ("-c tessedit_pageseg_mode=1", "'tessedit_pageseg_mode'"),
        ("-c tessedit_char_whitelist", "'tessedit_char_whitelist'"),
        ("-c tessedit_char_whitelist=", "printable"),
        ('-c tessedit_char_whitelist="abc', "no closing quotation"),
        ("--psm 7 --psm 8", "psm is given twice"),
        ("--psm 7; rm -rf x", "--psm '7;'"),
        ("--user-words /etc/passwd", "'--user-words'"),
        ("--tessdata-dir /tmp", "'--tessdata-dir'"),
        ("stdout", "'stdout'"),
    ],
)
def test_refused_configs_name_the_option(config: str, named: str) -> None:
    with pytest.raises(ParameterError) as refused:
        parse_ocr_config(config)
    assert named in str(refused.value)
    assert refused.value.code == "INVALID_OCR_CONFIG"
    assert refused.value.field == "data.ocr_config"


def test_command_line_is_rebuilt_and_character_lists_filter_words() -> None:
    options = parse_ocr_config('--psm 8 -c tessedit_char_whitelist=" AB\'C" -l jpn')
    assert (options.psm, options.lang) == (8, "jpn")  # all that reaches Tesseract
    assert options.whitelist == " AB'C"
    digits = parse_ocr_config("-c tessedit_char_whitelist=0123456789")
    assert [digits.kept_characters(w) for w in ("Order", "12345", "678s")] == ["", "12345", "678"]
    both = parse_ocr_config("-c tessedit_char_whitelist=abcxyz -c tessedit_char_blacklist=xyz")
    assert both.kept_characters("abyss") == "ab"


def test_defaults_and_the_seeds_custom_example() -> None:
    assert read_ocr_params(None) == OcrParams()
    assert read_ocr_params({}).echoed() == {
        "confidence_threshold": 80,
        "ocr_config": "--psm 7",
        "target_height": None,
    }
    custom = read_ocr_params(
        {
            "ocr_config": '--psm 8 -l eng+jpn -c tessedit_char_whitelist=" ABC" '
            "-c tessedit_char_blacklist=xyz",
            "confidence_threshold": 60,
            "landscape": True,
            "target_height": 100,
        }
    )
    assert (custom.confidence_threshold, custom.landscape, custom.target_height) == (60, True, 100)
    assert custom.options.lang == "eng+jpn"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"confidence_threshold": 101}, "data.confidence_threshold"),
        ({"confidence_threshold": -1}, "data.confidence_threshold"),
        ({"confidence_threshold": "80"}, "data.confidence_threshold"),
        ({"confidence_threshold": True}, "data.confidence_threshold"),
        ({"landscape": "yes"}, "data.landscape"),
        ({"target_height": 20}, "data.target_height"),
        ({"target_height": 50.5}, "data.target_height"),
        ({"target_height": "100"}, "data.target_height"),
        ({"ocr_config": 7}, "data.ocr_config"),
    ],
)
def test_bad_parameters_name_their_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ParameterError) as refused:
        read_ocr_params(data)
    assert refused.value.field == field
    assert read_ocr_params({"target_height": 21}).target_height == 21


def test_words_under_the_threshold_are_dropped() -> None:
    words = [Word("big", 80), Word("fluffy", 30), Word("cat", 80)]
    assert kept_text(words, 80) == kept_text([Word("big", 80), Word("cat", 80)], 0)
    assert kept_text(words, 80).text == "big cat"
    assert kept_text(words, 80).confidences == (80, 80)
    assert kept_text(words, 81).text == ""


def test_no_spaces_between_cjk_characters() -> None:
    assert join_words(["東京", "の", "天気"]) == "東京の天気"
    assert join_words(["Tokyo", "東京", "タワー", "333m"]) == "Tokyo 東京タワー 333m"
    assert join_words(["価格", "\uff1a", "千円"]) == "価格\uff1a千円"  # a full-width colon
