"""Recognised words → an ``ocr-result`` label's name and confidences.

Words below the confidence threshold are dropped ("big fluffy cat" at [80, 30, 80] with
threshold 80 is "big cat"). Words are joined with one space, except between two CJK
characters: Tesseract's Japanese model reports word boxes with spaces between them that the
text does not have, so "東京 の 天気" becomes "東京の天気" while "Tokyo 東京" keeps its space.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One word as Tesseract reads it, with its confidence (0-100)."""

    text: str
    confidence: float


@dataclass(frozen=True)
class ReadText:
    """The kept words of one read: the label's name and one integer confidence per word."""

    text: str
    confidences: tuple[int, ...]


def is_cjk(char: str) -> bool:
    """Han, Hiragana, Katakana, CJK punctuation and full-width forms: written without spaces."""
    if not char:
        return False
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, Hiragana, Katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # half- and full-width forms
        or 0x31F0 <= code <= 0x31FF  # Katakana phonetic extensions
        or unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")
    )


def join_words(words: Sequence[str]) -> str:
    """Words joined with spaces, none between two CJK characters."""
    text = ""
    for word in words:
        if text and not (is_cjk(text[-1]) and is_cjk(word[0])):
            text += " "
        text += word
    return text


def kept_text(words: Sequence[Word], threshold: float) -> ReadText:
    """The words at or above ``threshold``, as a name and their confidences."""
    kept = [w for w in words if w.text.strip() and w.confidence >= threshold]
    return ReadText(
        join_words([w.text.strip() for w in kept]),
        tuple(round(w.confidence) for w in kept),
    )
