"""Per-frame match scores → the intervals a threshold keeps, and suggested thresholds.

A frame matches when its score is at least the threshold; each run of matching frames is one
:class:`MatchInterval` (``[start_ms, end_ms)``, frames inclusive), carrying its best score and
that frame's box.

Suggestions (keypoint matching without a threshold): the set of result intervals changes only
where the threshold passes a frame's score, so with the distinct scores ``v1 > v2 > ...`` every
threshold in ``(v[k+1], v[k]]`` yields exactly the intervals of ``v[k]``. Each ``v[k]`` is a
candidate whose stable range is that gap; the :data:`MAX_SUGGESTIONS` candidates with the widest
gaps are suggested (ties: the higher threshold), each written with as few decimals as keep it
inside its range. Tuning inside a suggested range therefore changes nothing, and each
suggestion yields a different set of intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analysis.image_match.template import BoxTuple
from analysis.screen.intervals import run_interval, true_runs

MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class FrameScores:
    """Every frame scanned: time, number, score and (template) best box."""

    t_ms: np.ndarray
    frames: np.ndarray
    scores: np.ndarray
    boxes: tuple[BoxTuple | None, ...]
    end_ms: float  # when the frame after the last one would be shown (or the request's end)
    last_frame: int


@dataclass(frozen=True)
class MatchInterval:
    start_ms: float
    end_ms: float
    start_frame: int
    end_frame: int
    best_score: float
    box: BoxTuple | None  # where the best-scoring frame matched (template only)


@dataclass(frozen=True)
class Suggestion:
    threshold: float
    lower: float  # any threshold in (lower, upper] gives the same intervals
    upper: float  # the frame score at the top of that range (threshold is rounded down to it)
    intervals: tuple[MatchInterval, ...]


def intervals_at(scores: FrameScores, threshold: float) -> tuple[MatchInterval, ...]:
    """The runs of frames scoring at least ``threshold``."""
    if len(scores.scores) == 0:
        return ()
    found = []
    for run in true_runs(scores.scores >= threshold):
        span = run_interval(
            run, scores.t_ms, scores.frames, end_ms=scores.end_ms, last_frame=scores.last_frame
        )
        first, last = int(run[0]), int(run[1])
        best = first + int(np.argmax(scores.scores[first : last + 1]))
        found.append(
            MatchInterval(
                span.start_ms,
                span.end_ms,
                span.start_frame,
                span.end_frame,
                float(scores.scores[best]),
                scores.boxes[best],
            )
        )
    return tuple(found)


def _shortest(value: float, above: float) -> float:
    """``value`` rounded down to the fewest decimals that stay above ``above``."""
    for digits in (1, 2, 3, 4, 6):
        scale = 10**digits
        rounded = math.floor(value * scale) / scale
        if rounded > above:
            return rounded
    return value


def suggest_thresholds(scores: FrameScores, count: int = MAX_SUGGESTIONS) -> tuple[Suggestion, ...]:
    """Up to ``count`` thresholds where the result intervals change, widest ranges first,
    returned from the highest threshold down."""
    distinct = np.unique(scores.scores[scores.scores > 0])[::-1]
    if len(distinct) == 0:
        return ()
    lowers = np.append(distinct[1:], 0.0)
    gaps = distinct - lowers
    order = sorted(range(len(distinct)), key=lambda k: (-gaps[k], -distinct[k]))[:count]
    picked = sorted(order, key=lambda k: -distinct[k])
    suggestions = []
    for k in picked:
        lower = float(lowers[k])
        upper = float(distinct[k])
        threshold = _shortest(upper, lower)
        suggestions.append(Suggestion(threshold, lower, upper, intervals_at(scores, threshold)))
    return tuple(suggestions)
