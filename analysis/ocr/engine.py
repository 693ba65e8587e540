"""The Tesseract seam: one call reads the words of one picture.

:class:`Tesseract` runs Tesseract 5 in this process through tesserocr's binding of its C++ API:
the language model loads once per engine and each read costs only recognition (about 13 ms
for a 960x80 line, against about 245 ms for a ``tesseract`` process per read through
pytesseract, measured on the same crops). The language data are Debian's
(``tesseract-ocr-eng``, ``tesseract-ocr-jpn``), found under ``/usr/share/tesseract-ocr`` or
``TESSDATA_PREFIX``. The page segmentation mode and language come from
:class:`~analysis.ocr.config.TesseractOptions`, never from the request's text. Anything else that
reads words (a fake in a test of the segment logic) fits the :class:`OcrEngine` protocol.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Protocol

import numpy as np
import tesserocr
from PIL import Image

from analysis.errors import ModelError
from analysis.ocr.config import TesseractOptions
from analysis.ocr.text import Word

SETUP_HINT = "install tesseract-ocr-eng and tesseract-ocr-jpn (scripts/setup.sh)"
_DEBIAN_TESSDATA = "/usr/share/tesseract-ocr/*/tessdata"


class OcrEngine(Protocol):
    def read(self, image_bgr: np.ndarray, options: TesseractOptions) -> list[Word]: ...


def tessdata_dir() -> Path:
    """Where the language data are: ``TESSDATA_PREFIX``, else Debian's directory."""
    given = os.environ.get("TESSDATA_PREFIX")
    found = [Path(given)] if given else [Path(p) for p in sorted(glob.glob(_DEBIAN_TESSDATA))]
    for directory in found:
        if (directory / "eng.traineddata").is_file():
            return directory
    raise ModelError(f"Tesseract's English language data are not installed; {SETUP_HINT}")


class Tesseract:
    """Tesseract's API, one instance per language; ``calls`` counts the reads made."""

    def __init__(self) -> None:
        self.calls = 0
        self.tessdata = tessdata_dir()
        self._apis: dict[str, tesserocr.PyTessBaseAPI] = {}

    def _api(self, lang: str) -> tesserocr.PyTessBaseAPI:
        api = self._apis.get(lang)
        if api is None:
            missing = [
                p for p in lang.split("+") if not (self.tessdata / f"{p}.traineddata").is_file()
            ]
            if missing:
                raise ModelError(f"Tesseract lacks the {missing[0]} language data; {SETUP_HINT}")
            api = tesserocr.PyTessBaseAPI(path=f"{self.tessdata}/", lang=lang)
            self._apis[lang] = api
        return api

    def read(self, image_bgr: np.ndarray, options: TesseractOptions) -> list[Word]:
        self.calls += 1
        api = self._api(options.lang)
        api.SetPageSegMode(options.psm)
        rgb = image_bgr[:, :, ::-1] if image_bgr.ndim == 3 else image_bgr
        api.SetImage(Image.fromarray(np.ascontiguousarray(rgb)))
        api.Recognize()
        return [
            Word(text.strip(), float(confidence))
            for text, confidence in api.MapWordConfidences()
            if text.strip() and confidence >= 0
        ]

    def close(self) -> None:
        for api in self._apis.values():
            api.End()
        self._apis.clear()
