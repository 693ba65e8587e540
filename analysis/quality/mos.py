"""Video quality MOS: OpenCV's BRISQUE with the LIVE model, mapped onto the 1-5 opinion scale.

BRISQUE (Mittal, Moorthy & Bovik, "No-reference image quality assessment in the spatial
domain", IEEE Trans. Image Process. 21(12), 2012) fits natural-scene statistics of the
mean-subtracted, contrast-normalised luma at two scales and maps them with an SVR trained on
the LIVE image quality database to a score that predicts LIVE's difference MOS: about 0 for a
pristine picture, 100 for a very poor one (it can land a little outside). OpenCV contrib's
``cv2.quality.QualityBRISQUE`` computes it with the model files vendored in ``models/`` (their
provenance and sha256 sums are in ``models/README.md``; they are verified on the first load
and loaded once per process).

The mapping to a mean opinion score is linear on the ACR scale of ITU-T P.910 (1 bad ... 5
excellent): ``MOS = 1 + 4 · (100 - clip(score, 0, 100)) / 100``, so 0 → 5, 50 → 3, 100 → 1.
It inherits BRISQUE's calibration on LIVE (DMOS 0-100) and no more: it orders pictures by
quality, it was not fitted to subjective scores of screen recordings.

BRISQUE reads grey levels: the frame's luma, stretched from limited range (16-235) to 0-255
first. It runs at the frame's own resolution (it measures distortion at the pixel scale;
shrinking a picture hides blur and blocking), except that pictures larger than
``max_side`` on their longer side are shrunk by area averaging to fit: the LIVE pictures
BRISQUE was trained on are 768x512 at most, and its cost grows with the pixel count (30-55 ms
for a 720p frame).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from analysis.errors import ModelError
from analysis.models.catalogue import BRISQUE_MODEL, BRISQUE_RANGE
from analysis.models.pins import verified_path

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = BRISQUE_MODEL.filename
RANGE_FILE = BRISQUE_RANGE.filename
MOS_MAX_SIDE = 1280
BRISQUE_WORST = 100.0
MOS_MIN, MOS_MAX = 1.0, 5.0
_FULL_RANGE_GAIN = 255.0 / 219.0


@functools.cache
def brisque_model(models_dir: Path = MODELS_DIR) -> Any:
    """The BRISQUE scorer, loaded once per process after checking both files' sha256."""
    model = verified_path(models_dir, BRISQUE_MODEL)
    ranges = verified_path(models_dir, BRISQUE_RANGE)
    try:
        return cv2.quality.QualityBRISQUE.create(str(model), str(ranges))
    except cv2.error as exc:
        raise ModelError(f"cannot load the BRISQUE model from {models_dir}: {exc}") from exc


def mos_from_brisque(score: float) -> float:
    """A BRISQUE score (0 best, 100 worst) on the 1-5 MOS scale, linearly."""
    clipped = min(max(score, 0.0), BRISQUE_WORST)
    return MOS_MIN + (MOS_MAX - MOS_MIN) * (BRISQUE_WORST - clipped) / BRISQUE_WORST


def brisque_score(luma: np.ndarray, max_side: int = MOS_MAX_SIDE) -> float:
    """BRISQUE of limited-range luma (stretched to full range, shrunk to ``max_side``)."""
    grey = cv2.convertScaleAbs(luma, alpha=_FULL_RANGE_GAIN, beta=-16.0 * _FULL_RANGE_GAIN)
    height, width = grey.shape[:2]
    longer = max(height, width)
    if longer > max_side:
        size = (max(1, round(width * max_side / longer)), max(1, round(height * max_side / longer)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    return float(brisque_model().compute(grey)[0])


def video_quality_mos(luma: np.ndarray, max_side: int = MOS_MAX_SIDE) -> float:
    """The frame's MOS, 1 (bad) to 5 (excellent), from BRISQUE on its luma."""
    return mos_from_brisque(brisque_score(luma, max_side))
