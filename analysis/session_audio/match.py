"""Audio match: where a reference occurs in a longer test recording, by normalised
cross-correlation computed with FFTs.

``match_score`` is the Pearson correlation between the reference and the test window at the best
lag (the reference's mean removed; each window's own mean and energy through running sums), so a
gain change does not lower it and added noise at 10 dB SNR lowers it to about 0.95.
``prominence_ratio`` is the best score over the best score outside the main lobe: the lags within
``MAIN_LOBE_MS`` (100 ms, and at most half the reference) of the best one, where the correlation
of a sound with itself is still high. A reference repeated in the test audio has a second peak
as high as the first, so the ratio is about 1.

Precision: both recordings are decoded (mono) at the highest rate of ``PRECISION_STEPS`` whose
sample count (test plus reference) fits ``SAMPLE_BUDGET``: ``high`` 8 kHz, ``medium`` 4 kHz,
``low`` 2 kHz, ``critically low`` 1 kHz; when even 1 kHz does not fit, the rate drops further
so it does, and the result carries ``"precision is too low"``. 5 min of test audio and a 40 s
reference run at 8 kHz (one lag = 0.125 ms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import fftconvolve

PRECISION_STEPS: tuple[tuple[str, int], ...] = (
    ("high", 8000),
    ("medium", 4000),
    ("low", 2000),
    ("critically low", 1000),
)
SAMPLE_BUDGET = 1 << 22  # test + reference samples, about 8.7 min at 8 kHz
MIN_RATE = 100
MAIN_LOBE_MS = 100.0
PRECISION_TOO_LOW = "precision is too low"
_QUIET = 1e-12


@dataclass(frozen=True)
class Precision:
    """The rate the match runs at and its status."""

    status: str
    rate: int

    @property
    def error_msg(self) -> str | None:
        return PRECISION_TOO_LOW if self.status == "critically low" else None


def precision_for(test_ms: float, reference_ms: float) -> Precision:
    """The precision step for recordings of these durations (see the module docstring)."""
    seconds = max(test_ms + reference_ms, 1.0) / 1000.0
    for status, rate in PRECISION_STEPS:
        if seconds * rate <= SAMPLE_BUDGET:
            return Precision(status, rate)
    return Precision("critically low", max(int(SAMPLE_BUDGET / seconds), MIN_RATE))


@dataclass(frozen=True)
class MatchThresholds:
    """Minimum score and prominence of a ``full`` and of a ``partial`` match."""

    full_score: float = 0.9
    full_prominence: float = 1.0
    partial_score: float = 0.4
    partial_prominence: float = 1.5

    def as_data(self) -> dict[str, dict[str, float]]:
        return {
            "full": {"match_score": self.full_score, "prominence_ratio": self.full_prominence},
            "partial": {
                "match_score": self.partial_score,
                "prominence_ratio": self.partial_prominence,
            },
        }

    def status(self, score: float, prominence: float) -> str | None:
        """``full``, ``partial`` or None (no match) for a score and prominence."""
        if score >= self.full_score and prominence >= self.full_prominence:
            return "full"
        if score >= self.partial_score and prominence >= self.partial_prominence:
            return "partial"
        return None


@dataclass(frozen=True)
class Correlation:
    """The best alignment: ``offset_ms`` into the test audio, its score and prominence."""

    offset_ms: float
    duration_ms: float
    match_score: float
    prominence_ratio: float


def correlate(test: np.ndarray, reference: np.ndarray, rate: int) -> Correlation | None:
    """Best normalised correlation of ``reference`` inside ``test`` (1-D, same ``rate``);
    None when the reference is longer than the test audio or either is silent."""
    x = np.asarray(test, np.float64)
    r = np.asarray(reference, np.float64)
    m = len(r)
    if m == 0 or len(x) < m:
        return None
    r = r - r.mean()
    r_norm = float(np.sqrt(np.dot(r, r)))
    if r_norm < _QUIET:
        return None
    numerator = fftconvolve(x, r[::-1], mode="valid")
    sums = np.concatenate([[0.0], np.cumsum(x)])
    squares = np.concatenate([[0.0], np.cumsum(x * x)])
    window_sum = sums[m:] - sums[:-m]
    window_energy = squares[m:] - squares[:-m] - window_sum * window_sum / m
    denominator = np.sqrt(np.maximum(window_energy, 0.0)) * r_norm
    loud = denominator > max(_QUIET, 1e-6 * r_norm * r_norm)
    scores = np.where(loud, numerator / np.where(loud, denominator, 1.0), 0.0)
    scores = np.clip(scores, -1.0, 1.0)
    best = int(np.argmax(scores))
    best_score = float(scores[best])
    if best_score <= 0.0:
        return None
    lobe = int(min(MAIN_LOBE_MS * rate / 1000.0, m / 2))
    outside = np.concatenate([scores[: max(best - lobe, 0)], scores[best + lobe + 1 :]])
    second = float(outside.max()) if len(outside) else 0.0
    prominence = best_score / max(second, best_score / 1000.0)
    offset = best + _parabolic(scores, best)
    return Correlation(
        offset_ms=1000.0 * offset / rate,
        duration_ms=1000.0 * m / rate,
        match_score=best_score,
        prominence_ratio=max(prominence, 1.0),
    )


def _parabolic(scores: np.ndarray, best: int) -> float:
    """Sub-sample refinement of the peak from its two neighbours."""
    if best <= 0 or best >= len(scores) - 1:
        return 0.0
    left, centre, right = scores[best - 1], scores[best], scores[best + 1]
    curve = left - 2 * centre + right
    return float(0.5 * (left - right) / curve) if curve < 0 else 0.0
