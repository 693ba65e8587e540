"""The label-state machine: numeric states, the citizen and researcher transitions, final labels.

A state is a bit string read as a number: a leading "useful" bit, then one bit per answer
(1 = yes), with intermediate codes merged into canonical ones. Citizens move ``label_state``
and researchers ``label_state_admin``; keeping the columns apart lets citizen answers be
compared with researcher decisions.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal


class LabelState(IntEnum):
    """Every state a clip's two columns can hold."""

    BAD = -2  # discarded by a researcher: leaves batches, galleries and statistics
    NO_DATA = -1  # nobody answered yet (or a researcher reset it)
    DISCORD = 3  # one yes and one no
    MAYBE_NEG = 4  # one no
    MAYBE_POS = 5  # one yes
    MEDIUM_NEG = 12  # a discord resolved by an expert (no longer produced)
    MEDIUM_POS = 15
    STRONG_NEG = 16  # two citizens said no, or a researcher did
    WEAK_POS = 19  # a discord resolved by a third citizen's yes
    WEAK_NEG = 20  # a discord resolved by a third citizen's no
    STRONG_POS = 23  # two citizens said yes, or a researcher did
    GOLD_NEG = 32  # a gold standard whose answer is no
    GOLD_POS = 47  # a gold standard whose answer is yes


S = LabelState
POSITIVE = frozenset({S.STRONG_POS, S.MEDIUM_POS, S.WEAK_POS})
NEGATIVE = frozenset({S.STRONG_NEG, S.MEDIUM_NEG, S.WEAK_NEG})
FULL = POSITIVE | NEGATIVE
PARTIAL = frozenset({S.DISCORD, S.MAYBE_NEG, S.MAYBE_POS})
GOLD = frozenset({S.GOLD_POS, S.GOLD_NEG})
# An admin state that takes a clip out of galleries and statistics.
EXCLUDED_ADMIN = frozenset({S.GOLD_POS, S.GOLD_NEG, S.BAD})
# An admin state that keeps a clip out of citizens' batches: decided, gold or bad.
CITIZEN_BARRED_ADMIN = FULL | EXCLUDED_ADMIN
# Admin states a researcher's batch may still offer.
RESEARCHER_OPEN_ADMIN = frozenset({S.NO_DATA, S.DISCORD, S.MAYBE_NEG, S.MAYBE_POS})

# (current citizen state, answer) -> next citizen state; anything absent is no transition.
CITIZEN_TRANSITIONS: dict[tuple[int, int], LabelState] = {
    (S.NO_DATA, 1): S.MAYBE_POS,
    (S.NO_DATA, 0): S.MAYBE_NEG,
    (S.MAYBE_POS, 1): S.STRONG_POS,
    (S.MAYBE_POS, 0): S.DISCORD,
    (S.MAYBE_NEG, 1): S.DISCORD,
    (S.MAYBE_NEG, 0): S.STRONG_NEG,
    (S.DISCORD, 1): S.WEAK_POS,
    (S.DISCORD, 0): S.WEAK_NEG,
}
# researcher input -> admin state, whatever the current one; anything absent is refused.
RESEARCHER_TRANSITIONS: dict[int, LabelState] = {
    1: S.STRONG_POS,
    0: S.STRONG_NEG,
    **{int(s): s for s in (S.STRONG_POS, S.STRONG_NEG, S.WEAK_POS, S.WEAK_NEG)},
    **{int(s): s for s in (S.GOLD_POS, S.GOLD_NEG, S.BAD, S.NO_DATA)},
}
CITIZEN_ANSWERS = frozenset({0, 1})

LabelSource = Literal["gold", "researcher", "citizens"]


def citizen_next(state: int, answer: int) -> int | None:
    """The citizen column after ``answer``; None when the machine has no transition."""
    found = CITIZEN_TRANSITIONS.get((state, answer))
    return int(found) if found is not None else None


def researcher_next(answer: int) -> int | None:
    """The admin column after a researcher's ``answer``; None for a value it does not take."""
    found = RESEARCHER_TRANSITIONS.get(answer)
    return int(found) if found is not None else None


def final_label(citizen: int, admin: int) -> tuple[bool | None, LabelSource | None]:
    """The clip's label and who decided it: a researcher's decision wins, then the citizens."""
    if admin == S.GOLD_POS:
        return True, "gold"
    if admin == S.GOLD_NEG:
        return False, "gold"
    if admin in POSITIVE:
        return True, "researcher"
    if admin in NEGATIVE:
        return False, "researcher"
    if admin == S.BAD:
        return None, None
    if citizen in POSITIVE:
        return True, "citizens"
    if citizen in NEGATIVE:
        return False, "citizens"
    return None, None


def gold_correct(admin: int, answer: int) -> bool:
    """Whether an answer on a gold clip (judged by its current admin state) is right."""
    return (admin == S.GOLD_POS and answer == 1) or (admin == S.GOLD_NEG and answer == 0)


def gold_check(admin_by_clip: dict[str, int], answers: dict[str, int]) -> tuple[bool, int]:
    """(passed, batch score): one wrong gold fails the batch; the score counts non-gold clips.

    A clip is a gold when its admin state is gold *now*, so a researcher's edit between issue
    and return is honoured.
    """
    golds = [c for c in answers if admin_by_clip.get(c) in GOLD]
    passed = all(gold_correct(admin_by_clip[c], answers[c]) for c in golds)
    return passed, (len(answers) - len(golds)) if passed else 0
