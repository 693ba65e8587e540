"""Loudness issues: stretches that are too loud or too quiet, from the short-term loudness.

Rule (short-term loudness: 3 s windows every 100 ms, timed at the window's end):

- **too loud**: short-term loudness above ``max_lufs`` (default -10 LUFS, about 13 LU over
  streaming services' -14 LUFS programme target: sustained, not a transient);
- **too quiet**: short-term loudness below ``min_lufs`` (default -40 LUFS) while the audio is
  active, i.e. above BS.1770's -70 LUFS absolute gate (digital silence is not an issue);
- a stretch counts when it lasts at least ``min_duration_ms`` (default 3000 ms), and stretches
  of one kind closer than ``merge_ms`` (default 1000 ms) join. An issue's interval is the span of
  the windows that broke the rule: from the first window's start to the last window's end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.session_audio.loudness import ABSOLUTE_GATE_LUFS, SHORT_TERM_BLOCKS, SUB_BLOCK_MS

SHORT_TERM_MS = SHORT_TERM_BLOCKS * SUB_BLOCK_MS


@dataclass(frozen=True)
class LoudnessLimits:
    """The limits of the rule above (session tags or settings may change them)."""

    max_lufs: float = -10.0
    min_lufs: float = -40.0
    min_duration_ms: float = 3000.0
    merge_ms: float = 1000.0


@dataclass(frozen=True)
class LoudnessIssue:
    """One stretch breaking a limit: ``kind`` is ``too loud`` or ``too quiet``."""

    kind: str
    start_ms: float
    end_ms: float
    extreme_lufs: float  # the loudest (too loud) or quietest (too quiet) short-term value
    limit_lufs: float


def _stretches(flags: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def find_issues(
    t_ms: np.ndarray, short_term_lufs: np.ndarray, limits: LoudnessLimits
) -> list[LoudnessIssue]:
    """Every issue in the short-term series, in time order."""
    lufs = np.asarray(short_term_lufs, np.float64)
    loud = lufs > limits.max_lufs
    quiet = (lufs < limits.min_lufs) & (lufs >= ABSOLUTE_GATE_LUFS)
    issues: list[LoudnessIssue] = []
    for kind, flags, limit in (
        ("too loud", loud, limits.max_lufs),
        ("too quiet", quiet, limits.min_lufs),
    ):
        spans: list[list[int]] = []
        for first, last in _stretches(flags):
            start = float(t_ms[first]) - SHORT_TERM_MS
            end = float(t_ms[last])
            if spans and start - float(t_ms[spans[-1][1]]) < limits.merge_ms:
                spans[-1][1] = last
            else:
                spans.append([first, last])
        for first, last in spans:
            start = max(float(t_ms[first]) - SHORT_TERM_MS, 0.0)
            end = float(t_ms[last])
            if end - start < limits.min_duration_ms:
                continue
            window = lufs[first : last + 1][flags[first : last + 1]]
            extreme = float(window.max() if kind == "too loud" else window.min())
            issues.append(LoudnessIssue(kind, start, end, round(extreme, 2), limit))
    return sorted(issues, key=lambda issue: issue.start_ms)
