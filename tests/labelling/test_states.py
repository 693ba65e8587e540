"""Every transition of the label-state tables, for citizens and researchers (pure)."""

from __future__ import annotations

import pytest

from graph.labelling.states import (
    S,
    citizen_next,
    final_label,
    gold_check,
    researcher_next,
)

ALL_STATES = [int(s) for s in S]
ANSWERS = [0, 1, 2, -1, 47, 5]

# The citizen table as written in the reference: (state, answer 1, answer 0); None = unchanged.
CITIZEN_TABLE = {
    -1: (5, 4),
    5: (23, 3),
    4: (3, 16),
    3: (19, 20),
    47: (None, None),
    32: (None, None),
    23: (None, None),
    16: (None, None),
    19: (None, None),
    20: (None, None),
    15: (None, None),
    12: (None, None),
    -2: (None, None),
}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("answer", ANSWERS)
def test_citizen_transition(state: int, answer: int) -> None:
    on_yes, on_no = CITIZEN_TABLE[state]
    expected = on_yes if answer == 1 else on_no if answer == 0 else None
    assert citizen_next(state, answer) == expected


@pytest.mark.parametrize("state", [7, 100, -3])
def test_citizen_unknown_state_has_no_transition(state: int) -> None:
    assert citizen_next(state, 1) is None and citizen_next(state, 0) is None


# researcher input -> admin state, whatever the current state
RESEARCHER_TABLE = {1: 23, 0: 16, 23: 23, 16: 16, 19: 19, 20: 20, 47: 47, 32: 32, -2: -2, -1: -1}


@pytest.mark.parametrize("answer", [*RESEARCHER_TABLE, 12, 15, 3, 4, 5, 2, 99, -3])
def test_researcher_transition(answer: int) -> None:
    assert researcher_next(answer) == RESEARCHER_TABLE.get(answer)


def test_two_agreeing_citizens_finish_a_clip_and_a_third_breaks_a_tie() -> None:
    def run(answers: list[int]) -> int:
        state = -1
        for answer in answers:
            nxt = citizen_next(state, answer)
            state = state if nxt is None else nxt
        return state

    assert run([1, 1]) == 23 and run([0, 0]) == 16
    assert run([1, 0, 1]) == 19 and run([0, 1, 0]) == 20
    assert run([1, 1, 0]) == 23  # answers after a terminal state change nothing


@pytest.mark.parametrize(
    ("citizen", "admin", "expected"),
    [
        (-1, 47, (True, "gold")),
        (16, 32, (False, "gold")),
        (16, 23, (True, "researcher")),
        (23, 16, (False, "researcher")),
        (23, 19, (True, "researcher")),
        (23, 20, (False, "researcher")),
        (23, -1, (True, "citizens")),
        (19, -1, (True, "citizens")),
        (16, -1, (False, "citizens")),
        (20, -1, (False, "citizens")),
        (3, -1, (None, None)),
        (5, -1, (None, None)),
        (23, -2, (None, None)),
    ],
)
def test_final_label(citizen: int, admin: int, expected: tuple[bool | None, str | None]) -> None:
    assert final_label(citizen, admin) == expected


def test_gold_check() -> None:
    admin = {"g+": 47, "g-": 32, "a": -1, "b": 23}
    assert gold_check(admin, {"g+": 1, "g-": 0, "a": 1, "b": 0}) == (True, 2)
    assert gold_check(admin, {"g+": 0, "g-": 0, "a": 1, "b": 0}) == (False, 0)
    assert gold_check(admin, {"g+": 1, "g-": 1, "a": 1, "b": 0}) == (False, 0)
    assert gold_check(admin, {"g+": 2, "g-": 0, "a": 1, "b": 0}) == (False, 0)  # not exactly 1
    # a gold unmarked by a researcher since issue counts as an ordinary clip
    assert gold_check({**admin, "g+": -1}, {"g+": 0, "g-": 0, "a": 1, "b": 0}) == (True, 3)
