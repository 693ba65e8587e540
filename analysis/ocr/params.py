"""An ``ocr-request`` label's parameters: the four keys of its ``data``, checked.

Defaults as the reference service documents them: ``ocr_config`` ``"--psm 7"``,
``confidence_threshold`` 80 (a number from 0 to 100), ``landscape`` false, ``target_height``
null (else an integer above 20). Other keys of ``data`` are left to the client.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.ocr.config import DEFAULT_OCR_CONFIG, TesseractOptions, parse_ocr_config
from analysis.parameter_error import ParameterError

MIN_TARGET_HEIGHT = 21  # "an integer value that's larger than 20"
MAX_TARGET_HEIGHT = 2000  # bounds the resize (and Tesseract's work) a request can ask for


@dataclass(frozen=True)
class OcrParams:
    """What one ``ocr-request`` asks for."""

    ocr_config: str = DEFAULT_OCR_CONFIG
    confidence_threshold: float = 80
    landscape: bool = False
    target_height: int | None = None
    options: TesseractOptions = field(default_factory=TesseractOptions, compare=False)

    def echoed(self) -> dict[str, object]:
        """The parameters as each ``ocr-result`` label's ``data`` repeats them."""
        threshold = self.confidence_threshold
        return {
            "confidence_threshold": int(threshold) if threshold == int(threshold) else threshold,
            "ocr_config": self.ocr_config,
            "target_height": self.target_height,
        }


def read_ocr_params(data: Mapping[str, Any] | None) -> OcrParams:
    """The parameters of a label's ``data``; ParameterError naming the first bad one."""
    data = data or {}
    config = data.get("ocr_config", DEFAULT_OCR_CONFIG)
    if not isinstance(config, str):
        raise ParameterError(
            "ocr_config must be a string", code="INVALID_OCR_CONFIG", field="data.ocr_config"
        )
    threshold = data.get("confidence_threshold", 80)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not math.isfinite(threshold)
        or not 0 <= threshold <= 100
    ):
        raise ParameterError(
            "confidence_threshold must be a number from 0 to 100",
            field="data.confidence_threshold",
        )
    landscape = data.get("landscape", False)
    if not isinstance(landscape, bool):
        raise ParameterError("landscape must be true or false", field="data.landscape")
    height = data.get("target_height")
    if height is not None and (
        isinstance(height, bool)
        or not isinstance(height, int)
        or not MIN_TARGET_HEIGHT <= height <= MAX_TARGET_HEIGHT
    ):
        raise ParameterError(
            f"target_height must be null or an integer from {MIN_TARGET_HEIGHT} to "
            f"{MAX_TARGET_HEIGHT}",
            field="data.target_height",
        )
    return OcrParams(config, threshold, landscape, height, parse_ocr_config(config))
