"""Dawid-Skene for yes/no answers: each labeller's sensitivity and specificity, each clip's P(yes).

Expectation-maximisation from the majority vote: the M step estimates the prior and every
labeller's two accuracies (Laplace-smoothed, so one answer does not make a labeller perfect),
the E step each clip's posterior from its answers. Golds enter with their known truth and
stay fixed, which anchors the labellers' accuracies. Pure: answers in, posteriors out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

Answer = tuple[str, str, int]  # (clip id, labeller id, 0 or 1)
_EPS = 1e-6


def _clamp(p: float) -> float:
    return min(1 - _EPS, max(_EPS, p))


def dawid_skene(
    answers: Sequence[Answer],
    fixed: Mapping[str, float] | None = None,
    *,
    iterations: int = 50,
    tolerance: float = 1e-6,
) -> dict[str, float]:
    """P(yes) for every clip with an answer (and every fixed clip)."""
    known = dict(fixed or {})
    by_clip: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for clip, labeller, label in answers:
        by_clip[clip].append((labeller, 1 if label else 0))
    posterior = {c: sum(lab for _, lab in votes) / len(votes) for c, votes in by_clip.items()}
    posterior.update(known)
    for _ in range(iterations):
        yes_right: dict[str, float] = defaultdict(float)
        yes_total: dict[str, float] = defaultdict(float)
        no_right: dict[str, float] = defaultdict(float)
        no_total: dict[str, float] = defaultdict(float)
        for clip, votes in by_clip.items():
            t = posterior[clip]
            for labeller, label in votes:
                yes_total[labeller] += t
                yes_right[labeller] += t * label
                no_total[labeller] += 1 - t
                no_right[labeller] += (1 - t) * (1 - label)
        prior = _clamp(sum(posterior.values()) / len(posterior)) if posterior else 0.5
        sensitivity = {j: (yes_right[j] + 1) / (yes_total[j] + 2) for j in yes_total}
        specificity = {j: (no_right[j] + 1) / (no_total[j] + 2) for j in no_total}
        change = 0.0
        for clip, votes in by_clip.items():
            if clip in known:
                continue
            log_odds = math.log(prior / (1 - prior))
            for labeller, label in votes:
                a, b = _clamp(sensitivity[labeller]), _clamp(specificity[labeller])
                log_odds += math.log(a / (1 - b)) if label else math.log((1 - a) / b)
            new = 1 / (1 + math.exp(-max(-50.0, min(50.0, log_odds))))
            change = max(change, abs(new - posterior[clip]))
            posterior[clip] = new
        if change < tolerance:
            break
    return posterior
