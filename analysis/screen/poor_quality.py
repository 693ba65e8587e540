"""Poor video quality issue: where the video-quality MOS stays low for a while.

Definition. The input is a MOS series (analysis.series.Series, 1-5, produced by the video
quality analysis). A point stands from its time until the next point's time; the last point
stands for the series' median spacing (nothing after a series of one point). The issue is every
span where the MOS stays strictly below ``mos_threshold`` (2.5 by default) for at least
``min_duration_ms`` (2000 ms by default). Points that are NaN (not measured) are not poor.

2.5 lies halfway between "Poor" (2) and "Fair" (3) on the five-grade absolute category rating
scale on which MOS is defined (ITU-T P.800 Annex B, P.910 clause 6.1): a span below it is rated
nearer poor than fair. The series carries no frame numbers, so the spans are times only
(``TimeSpan``); a caller that needs frames maps them with the session's frame rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.screen.intervals import TimeSpan, time_spans
from analysis.series import Series

MOS_THRESHOLD = 2.5
POOR_MIN_DURATION_MS = 2000.0


@dataclass(frozen=True)
class PoorQualityParams:
    """Thresholds of the poor-video-quality issue."""

    mos_threshold: float = MOS_THRESHOLD  # MOS strictly below this is poor
    min_duration_ms: float = POOR_MIN_DURATION_MS  # shortest issue


def poor_quality_intervals(
    mos: Series, params: PoorQualityParams = PoorQualityParams()
) -> tuple[TimeSpan, ...]:
    """Spans where ``mos`` stays below ``mos_threshold`` for at least ``min_duration_ms``."""
    if len(mos) == 0:
        return ()
    t_ms = np.asarray(mos.t_ms, np.float64)
    spacing = float(np.median(np.diff(t_ms))) if len(t_ms) > 1 else 0.0
    with np.errstate(invalid="ignore"):
        poor = np.asarray(mos.values, np.float64) < params.mos_threshold
    return time_spans(
        poor, t_ms, end_ms=float(t_ms[-1]) + spacing, min_duration_ms=params.min_duration_ms
    )
