"""Batch composition: which clips a labeller gets, and where the golds sit (pure).

The store draws random candidates with SQL (each list already random and limited); this
module decides how they combine, so the rules are tested without a database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

NoBatchReason = Literal["NOT_ENOUGH_GOLDS", "NOT_ENOUGH_CLIPS"]


@dataclass(frozen=True)
class BatchPlan:
    """The clips in the order shown, and which of them are golds."""

    clip_ids: tuple[str, ...]
    gold_ids: frozenset[str]


def draw_gold_split(gold_per_batch: int, rng: random.Random) -> tuple[int, int]:
    """(positive, negative) golds: at least one of each, so all-yes and all-no spammers fail."""
    positives = rng.randint(1, gold_per_batch - 1)
    return positives, gold_per_batch - positives


def citizen_batch(
    *,
    batch_size: int,
    gold_split: tuple[int, int],
    gold_positive: list[str],
    gold_negative: list[str],
    partial: list[str],
    fresh: list[str],
    rng: random.Random,
) -> BatchPlan | NoBatchReason:
    """Golds at random positions among partially labelled clips first, then fresh ones."""
    n_pos, n_neg = gold_split
    if len(gold_positive) < n_pos or len(gold_negative) < n_neg:
        return "NOT_ENOUGH_GOLDS"
    golds = gold_positive[:n_pos] + gold_negative[:n_neg]
    slots = batch_size - len(golds)
    chosen = list(dict.fromkeys(partial))[:slots]
    chosen += [c for c in dict.fromkeys(fresh) if c not in chosen][: slots - len(chosen)]
    if len(chosen) < slots:
        return "NOT_ENOUGH_CLIPS"
    clips = golds + chosen
    rng.shuffle(clips)
    return BatchPlan(tuple(clips), frozenset(golds))


def researcher_batch(*, batch_size: int, open_clips: list[str]) -> BatchPlan | NoBatchReason:
    """A researcher's batch: open clips only, no golds."""
    clips = list(dict.fromkeys(open_clips))[:batch_size]
    if len(clips) < batch_size:
        return "NOT_ENOUGH_CLIPS"
    return BatchPlan(tuple(clips), frozenset())
