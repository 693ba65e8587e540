"""Reference-free video quality: picture metrics, BRISQUE MOS and screen freezing (issue 5)."""

from analysis.quality.suite import (
    QUALITY_KEYS,
    QUALITY_SERIES,
    QualityParams,
    QualityRequest,
    QualityResult,
    UnknownAnalysisKey,
    check_keys,
    run_quality_suite,
)

__all__ = [
    "QUALITY_KEYS",
    "QUALITY_SERIES",
    "QualityParams",
    "QualityRequest",
    "QualityResult",
    "UnknownAnalysisKey",
    "check_keys",
    "run_quality_suite",
]
