"""An ``image-match-request`` label's ``data``: method, query image, threshold, scales.

``method`` is ``template`` or ``keypoint``; ``image_id`` a query image's UUID; ``threshold`` a
number in [0, 1] (required by ``template``; ``keypoint`` without one suggests thresholds);
``use_multiscale`` (template only) with ``scaling_factors`` (default
:data:`DEFAULT_SCALING_FACTORS`). Other keys are left to the client.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.parameter_error import ParameterError

METHODS = ("template", "keypoint")
DEFAULT_SCALING_FACTORS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
MAX_SCALING_FACTORS = 20
MAX_SCALE = 10.0


@dataclass(frozen=True)
class MatchParams:
    method: str
    image_id: str
    threshold: float | None = None
    use_multiscale: bool = False
    scaling_factors: tuple[float, ...] = DEFAULT_SCALING_FACTORS

    @property
    def scales(self) -> tuple[float, ...]:
        """The template scales to try: 1.0 alone unless multiscale."""
        return self.scaling_factors if self.use_multiscale else (1.0,)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_match_params(data: Mapping[str, Any] | None) -> MatchParams:
    """The parameters of a label's ``data``; ParameterError naming the first bad one."""
    data = data or {}
    method = data.get("method")
    if method not in METHODS:
        raise ParameterError(
            f"data.method must be one of {', '.join(METHODS)}, not {method!r}",
            code="UNKNOWN_MATCH_METHOD",
            field="data.method",
        )
    image_id = data.get("image_id")
    try:
        image_id = str(uuid.UUID(str(image_id))) if isinstance(image_id, str) else None
    except ValueError:
        image_id = None
    if image_id is None:
        raise ParameterError(
            "data.image_id must be a query image's id (a UUID)",
            code="INVALID_QUERY_IMAGE_ID",
            field="data.image_id",
        )
    threshold = data.get("threshold")
    if threshold is not None and not (_number(threshold) and 0 <= threshold <= 1):
        raise ParameterError("data.threshold must be a number from 0 to 1", field="data.threshold")
    if threshold is None and method == "template":
        raise ParameterError("template matching needs data.threshold", field="data.threshold")
    multiscale = data.get("use_multiscale", False)
    if not isinstance(multiscale, bool):
        raise ParameterError(
            "data.use_multiscale must be true or false", field="data.use_multiscale"
        )
    factors = data.get("scaling_factors", DEFAULT_SCALING_FACTORS)
    if (
        not isinstance(factors, list | tuple)
        or not 1 <= len(factors) <= MAX_SCALING_FACTORS
        or not all(_number(f) and 0 < f <= MAX_SCALE for f in factors)
    ):
        raise ParameterError(
            f"data.scaling_factors must be 1 to {MAX_SCALING_FACTORS} numbers above 0 and at "
            f"most {MAX_SCALE:g}",
            field="data.scaling_factors",
        )
    return MatchParams(
        method,
        image_id,
        None if threshold is None else float(threshold),
        multiscale,
        tuple(float(f) for f in factors),
    )
