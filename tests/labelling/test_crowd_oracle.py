"""The simulated crowd's own oracle (no stack): the citizen state machine and its reachable ends.

The crowd test trusts these to say whether a clip's stored state could come from its answers,
so they are checked here against the reference's tables by hand.
"""

from __future__ import annotations

import random

import pytest

from tests.support.crowd import Behaviour, SimulatedLabeller, citizen_state, reachable_states


@pytest.mark.parametrize(
    ("answers", "state"),
    [
        ([], -1),
        ([1], 5),
        ([0], 4),
        ([1, 1], 23),
        ([0, 0], 16),
        ([1, 0], 3),
        ([0, 1], 3),
        ([1, 0, 1], 19),
        ([0, 1, 0], 20),
        ([1, 1, 0, 0], 23),  # answers after a terminal state change nothing
        ([0, 0, 1], 16),
    ],
)
def test_citizen_state(answers: list[int], state: int) -> None:
    assert citizen_state(answers) == state


@pytest.mark.parametrize(
    ("answers", "ends"),
    [
        ([], {-1}),
        ([1, 1], {23}),
        ([1, 0], {3}),
        ([1, 1, 0], {23, 19}),  # yes-yes first ends at 23; a no in between ends at 19
        ([0, 0, 1], {16, 20}),
        ([1] * 60, {23}),  # a gold answered right by many: one end, found without 60! orders
        ([1] * 30 + [0] * 30, {23, 16, 19, 20}),
    ],
)
def test_reachable_states(answers: list[int], ends: set[int]) -> None:
    assert reachable_states(answers) == ends


def test_behaviours() -> None:
    rng = random.Random(1)
    noisy = SimulatedLabeller("n", Behaviour.NOISY, rng)
    flips = sum(noisy.answer(True) == 0 for _ in range(5000)) / 5000
    assert 0.18 < flips < 0.22
    assert SimulatedLabeller("a", Behaviour.ACCURATE, rng).answer(False) == 0
    assert SimulatedLabeller("y", Behaviour.ALWAYS_YES, rng).answer(False) == 1
    assert SimulatedLabeller("n", Behaviour.ALWAYS_NO, rng).answer(True) == 0
    assert Behaviour.RANDOM.is_spammer and not Behaviour.NOISY.is_spammer
