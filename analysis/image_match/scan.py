"""Image match over a label's interval: one score per frame, then intervals.

The query image's bytes are decoded here through the one allow-listed image path
(analysis/media/image_input.py). Frames come from the shared decode pass
(analysis/media/frame_scan.py), cropped to the request's box when it has one (the search
region), and are matched on the decoder's luma plane: normalised correlation and BRISK both
ignore the limited-range offset, and no colour conversion is paid per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.image_match.intervals import (
    FrameScores,
    MatchInterval,
    intervals_at,
    suggest_thresholds,
)
from analysis.image_match.keypoint import KeypointMatcher, query_keypoints
from analysis.image_match.params import MatchParams
from analysis.image_match.template import BoxTuple, TemplateMatcher
from analysis.media.frame_scan import Box, scan_frames
from analysis.media.image_input import decode_image


@dataclass(frozen=True)
class ThresholdResult:
    """The intervals one threshold yields; a suggested one also has its stable range
    ``(lower, upper]``."""

    threshold: float
    intervals: tuple[MatchInterval, ...]
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class ImageMatchResult:
    results: tuple[ThresholdResult, ...]
    frames: int
    suggested: bool


def score_frames(
    path: Path,
    fps: float,
    start_ms: float,
    end_ms: float,
    box: Box | None,
    params: MatchParams,
    query_bgr: np.ndarray,
    progress: Callable[[float], None] | None = None,
) -> FrameScores:
    """Each frame's score (and template box) over ``[start_ms, end_ms)``."""
    offset = (box.x0, box.y0) if box is not None else (0, 0)
    template = TemplateMatcher(query_bgr, params.scales) if params.method == "template" else None
    keypoint = None if template else KeypointMatcher(query_keypoints(query_bgr))
    times: list[float] = []
    numbers: list[int] = []
    values: list[float] = []
    boxes: list[BoxTuple | None] = []
    span = max(end_ms - start_ms, 1e-9)
    for frame in scan_frames(path, fps=fps, start_ms=start_ms, end_ms=end_ms, box=box):
        region = np.ascontiguousarray(frame.luma())
        if template is not None:
            match = template.best(region, offset)
            values.append(max(match.score, 0.0) if match else 0.0)
            boxes.append(match.box if match else None)
        else:
            assert keypoint is not None
            values.append(keypoint.score(region))
            boxes.append(None)
        times.append(frame.t_ms)
        numbers.append(frame.number)
        if progress is not None:
            progress((frame.t_ms - start_ms) / span)
    last_t = times[-1] if times else start_ms
    return FrameScores(
        np.asarray(times, np.float64),
        np.asarray(numbers, np.int64),
        np.asarray(values, np.float64),
        tuple(boxes),
        min(end_ms, last_t + 1000.0 / fps),
        numbers[-1] if numbers else 0,
    )


def run_image_match(
    path: Path,
    fps: float,
    start_ms: float,
    end_ms: float,
    box: Box | None,
    params: MatchParams,
    query_image: bytes,
    max_pixels: int,
    *,
    progress: Callable[[float], None] | None = None,
) -> ImageMatchResult:
    """The intervals where the query image appears: at ``params.threshold``, or at up to five
    suggested thresholds when keypoint matching has none."""
    query_bgr = decode_image(query_image, max_pixels=max_pixels)
    scores = score_frames(path, fps, start_ms, end_ms, box, params, query_bgr, progress)
    if params.threshold is not None:
        only = ThresholdResult(params.threshold, intervals_at(scores, params.threshold))
        return ImageMatchResult((only,), len(scores.scores), suggested=False)
    suggested = tuple(
        ThresholdResult(s.threshold, s.intervals, s.lower, s.upper)
        for s in suggest_thresholds(scores)
    )
    return ImageMatchResult(suggested, len(scores.scores), suggested=True)
