"""A simulated crowd for the labelling API: labellers of known behaviour over clips of known truth.

Each simulated labeller signs in with a client id, then loops: ask for a batch, wait out the
batch's not-before delay, answer every clip by its behaviour, return the batch. The answers of
every returned batch are kept, so a test can compare what the server stored with what was sent,
and judge the final labels against the truth.

The citizen state machine is written out again here (from the reference's tables) as an
independent oracle: it says which label states a clip may end in for the answers it received,
in any order of arrival, so a lost update under concurrent submissions shows as a state that
no order of those answers reaches.
"""

from __future__ import annotations

import asyncio
import functools
import random
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import httpx

LOGIN = """mutation($c: ID!, $id: String) { labellingLogin(campaignId: $c, clientId: $id) {
  token expiresIn labeller { id clientId type score rawScore } } }"""
BATCH = """query($c: ID!) { labellingBatch(campaignId: $c) {
  id videoToken clips { id sessionId startFrame endFrame url labelState labelStateAdmin } } }"""
SUBMIT = """mutation($t: String!, $a: [ClipAnswer!]!) { submitLabellingBatch(videoToken: $t,
  answers: $a) { batchScore userScore userRawScore passed } }"""
LABELLER = "query($id: ID!) { labeller(id: $id) { id type score rawScore reliability } }"

# citizen transitions: state -> (state after a 0, state after a 1); absent = terminal
CITIZEN_MOVES: dict[int, tuple[int, int]] = {-1: (4, 5), 5: (3, 23), 4: (16, 3), 3: (20, 19)}
POSITIVE_STATES = frozenset({23, 19, 15})
NEGATIVE_STATES = frozenset({16, 20, 12})


def citizen_state(answers: list[int], state: int = -1) -> int:
    """The citizen label state after ``answers`` (0/1) arrive in this order (from no data)."""
    for answer in answers:
        moves = CITIZEN_MOVES.get(state)
        if moves is not None:
            state = moves[answer]
    return state


def reachable_states(answers: list[int]) -> frozenset[int]:
    """Every state some order of arrival of ``answers`` ends in (over the multiset of answers:
    a gold gets dozens of answers, far too many orders to try one by one)."""

    @functools.cache
    def ends(state: int, yes: int, no: int) -> frozenset[int]:
        if yes == no == 0:
            return frozenset({state})
        found: frozenset[int] = frozenset()
        if yes:
            found |= ends(citizen_state([1], state), yes - 1, no)
        if no:
            found |= ends(citizen_state([0], state), yes, no - 1)
        return found

    return ends(-1, answers.count(1), answers.count(0))


class Behaviour(Enum):
    ACCURATE = "accurate"  # always the truth
    NOISY = "noisy"  # the truth, flipped 20 % of the time
    ALWAYS_YES = "always-yes"
    ALWAYS_NO = "always-no"
    RANDOM = "random"  # a coin toss per clip

    @property
    def is_spammer(self) -> bool:
        return self in (Behaviour.ALWAYS_YES, Behaviour.ALWAYS_NO, Behaviour.RANDOM)


NOISY_FLIP = 0.2


@dataclass
class Returned:
    """One batch as it was returned, and what the server said of it."""

    batch_id: str
    video_token: str
    answers: dict[str, int]
    passed: bool
    batch_score: int | None
    user_score: int | None
    user_raw_score: int | None


@dataclass
class SimulatedLabeller:
    client_id: str
    behaviour: Behaviour
    rng: random.Random
    token: str = ""
    labeller_id: str = ""
    returned: list[Returned] = field(default_factory=list)

    def answer(self, truth: bool) -> int:
        if self.behaviour is Behaviour.ACCURATE:
            return int(truth)
        if self.behaviour is Behaviour.NOISY:
            return int(truth) ^ int(self.rng.random() < NOISY_FLIP)
        if self.behaviour is Behaviour.ALWAYS_YES:
            return 1
        if self.behaviour is Behaviour.ALWAYS_NO:
            return 0
        return self.rng.randint(0, 1)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def gql(
    http: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    """The whole GraphQL response body (data, errors, extensions) of one request."""
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code in (200, 400, 401, 403), response.text
    return dict(response.json())


def data_of(body: dict[str, Any]) -> dict[str, Any]:
    assert not body.get("errors"), body["errors"]
    return dict(body["data"])


def error_code(body: dict[str, Any]) -> str:
    assert body.get("errors"), body
    return str(body["errors"][0].get("extensions", {}).get("code"))


@dataclass
class Crowd:
    """Labellers of one campaign, the truth of its clips, and every batch they returned."""

    http: httpx.AsyncClient
    campaign_id: str
    truth: dict[str, bool]
    labellers: list[SimulatedLabeller]
    not_before_s: float = 5.0
    max_batches_per_spammer: int = 3

    async def sign_in(self) -> None:
        async def one(labeller: SimulatedLabeller) -> None:
            body = await gql(self.http, LOGIN, c=self.campaign_id, id=labeller.client_id)
            login = data_of(body)["labellingLogin"]
            labeller.token, labeller.labeller_id = login["token"], login["labeller"]["id"]

        await asyncio.gather(*(one(labeller) for labeller in self.labellers))

    async def fetch_batch(self, labeller: SimulatedLabeller) -> dict[str, Any] | None:
        body = await gql(self.http, BATCH, labeller.headers, c=self.campaign_id)
        if body.get("errors") and error_code(body) == "NO_BATCH_AVAILABLE":
            return None  # null, with the reason beside it
        batch: dict[str, Any] | None = data_of(body)["labellingBatch"]
        return batch

    async def submit(self, labeller: SimulatedLabeller, token: str, answers: dict[str, int]) -> Any:
        rows = [{"clipId": clip_id, "label": label} for clip_id, label in answers.items()]
        return await gql(self.http, SUBMIT, labeller.headers, t=token, a=rows)

    async def work(self, labeller: SimulatedLabeller) -> None:
        """Label until no batch is offered (spammers stop after a few batches)."""
        cap = self.max_batches_per_spammer if labeller.behaviour.is_spammer else 10_000
        while len(labeller.returned) < cap:
            batch = await self.fetch_batch(labeller)
            if batch is None:
                return
            answers = {c["id"]: labeller.answer(self.truth[c["id"]]) for c in batch["clips"]}
            await asyncio.sleep(self.not_before_s)
            outcome = data_of(await self.submit(labeller, batch["videoToken"], answers))
            result = outcome["submitLabellingBatch"]
            labeller.returned.append(
                Returned(
                    batch["id"],
                    batch["videoToken"],
                    answers,
                    result["passed"],
                    result["batchScore"],
                    result["userScore"],
                    result["userRawScore"],
                )
            )

    async def run(self) -> None:
        await asyncio.gather(*(self.work(labeller) for labeller in self.labellers))

    def passed_answers(self) -> dict[str, list[int]]:
        """Per clip, the answers of every batch that passed the gold check."""
        per_clip: dict[str, list[int]] = {}
        for labeller in self.labellers:
            for batch in labeller.returned:
                if batch.passed:
                    for clip_id, label in batch.answers.items():
                        per_clip.setdefault(clip_id, []).append(label)
        return per_clip


def final_label(state: int) -> bool | None:
    """The citizen column's verdict: True, False, or None while undecided."""
    if state in POSITIVE_STATES:
        return True
    if state in NEGATIVE_STATES:
        return False
    return None
