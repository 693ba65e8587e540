"""Batch composition, clip ranges, Dawid-Skene and the tokens (pure)."""

from __future__ import annotations

import random
import time

import jwt
import pytest

from api.services.labelling.batches import check_answers
from api.services.labelling.clip_urls import signed_clip_principal, signed_clip_url
from api.services.labelling.tokens import (
    decode_batch_token,
    issue_batch_token,
    issue_labeller_token,
    labeller_principal,
)
from graph.errors import ReelgraphError
from graph.labelling.batches import citizen_batch, draw_gold_split, researcher_batch
from graph.labelling.clip_ranges import clip_ranges
from graph.labelling.dawid_skene import dawid_skene

SECRET = "s" * 48


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def test_gold_split_always_has_one_of_each() -> None:
    rng = random.Random(1)
    splits = {draw_gold_split(4, rng) for _ in range(200)}
    assert splits == {(1, 3), (2, 2), (3, 1)}


def test_citizen_batch_partial_first_and_golds_placed_at_random() -> None:
    rng = random.Random(2)
    positions = set()
    for _ in range(50):
        plan = citizen_batch(
            batch_size=16,
            gold_split=(2, 2),
            gold_positive=_ids("p", 3),
            gold_negative=_ids("n", 3),
            partial=_ids("h", 5),
            fresh=_ids("f", 20),
            rng=rng,
        )
        assert not isinstance(plan, str)
        assert len(plan.clip_ids) == 16 and len(set(plan.clip_ids)) == 16
        assert plan.gold_ids == {"p0", "p1", "n0", "n1"}
        assert {f"h{i}" for i in range(5)} <= set(plan.clip_ids)  # every partial one first
        assert sum(c.startswith("f") for c in plan.clip_ids) == 7
        positions |= {i for i, c in enumerate(plan.clip_ids) if c in plan.gold_ids}
    assert len(positions) > 10


@pytest.mark.parametrize(
    ("pos", "neg", "fresh", "reason"),
    [
        (1, 3, 20, "NOT_ENOUGH_GOLDS"),  # 3 positives drawn, 1 exists: fails like the reference
        (3, 1, 20, "NOT_ENOUGH_GOLDS"),
        (3, 3, 11, "NOT_ENOUGH_CLIPS"),
    ],
)
def test_citizen_batch_refusals(pos: int, neg: int, fresh: int, reason: str) -> None:
    plan = citizen_batch(
        batch_size=16,
        gold_split=(3, 1) if pos == 1 else (1, 3) if neg == 1 else (2, 2),
        gold_positive=_ids("p", pos),
        gold_negative=_ids("n", neg),
        partial=[],
        fresh=_ids("f", fresh),
        rng=random.Random(0),
    )
    assert plan == reason


def test_researcher_batch_has_no_golds() -> None:
    plan = researcher_batch(batch_size=16, open_clips=_ids("c", 30))
    assert not isinstance(plan, str) and not plan.gold_ids and len(plan.clip_ids) == 16
    assert researcher_batch(batch_size=16, open_clips=_ids("c", 15)) == "NOT_ENOUGH_CLIPS"


def test_clip_ranges() -> None:
    assert clip_ranges(
        frame_count=100, fps=25, clips_from="session", window_seconds=None, chunks=[]
    ) == [(0, 99)]
    assert clip_ranges(
        frame_count=100, fps=25, clips_from="window", window_seconds=1.0, chunks=[]
    ) == [(0, 24), (25, 49), (50, 74), (75, 99)]
    assert clip_ranges(
        frame_count=60, fps=25, clips_from="window", window_seconds=1.0, chunks=[]
    ) == [(0, 24), (25, 49), (50, 59)]
    assert clip_ranges(
        frame_count=100,
        fps=25,
        clips_from="chunks",
        window_seconds=None,
        chunks=[(50, 120), (0, 49)],
    ) == [(0, 49), (50, 99)]


def test_check_answers() -> None:
    assert check_answers([("a", 1), ("b", 0)], researcher=False) == {"a": 1, "b": 0}
    for bad, researcher in ([("a", 2)], False), ([("a", 1), ("a", 0)], False), ([("a", 5)], True):
        with pytest.raises(ReelgraphError) as caught:
            check_answers(bad, researcher=researcher)
        assert caught.value.code == "INVALID_ANSWER"
    assert check_answers([("a", 47), ("b", -2)], researcher=True) == {"a": 47, "b": -2}


def test_dawid_skene_outweighs_a_spammer_with_golds() -> None:
    rng = random.Random(3)
    truth = {f"c{i}": rng.random() < 0.5 for i in range(60)}
    answers = []
    for clip, yes in truth.items():
        for worker in ("good1", "good2"):
            answers.append((clip, worker, int(yes) if rng.random() > 0.1 else 1 - int(yes)))
        answers.append((clip, "spam", 1))
    posterior = dawid_skene(answers, {"c0": float(truth["c0"])})
    accuracy = sum((posterior[c] > 0.5) == truth[c] for c in truth) / len(truth)
    assert accuracy > 0.85
    assert posterior["c0"] == float(truth["c0"])


def test_batch_token_round_trip_and_refusals() -> None:
    token = issue_batch_token(
        SECRET, batch_id="b", labeller_id="l", campaign_id="c", clip_ids=["x", "y"],
        not_before_s=0, ttl_s=60,
    )  # fmt: skip
    claims = decode_batch_token(SECRET, token)
    assert claims.clip_ids == {"x", "y"} and claims.batch_id == "b"
    early = issue_batch_token(
        SECRET, batch_id="b", labeller_id="l", campaign_id="c", clip_ids=[], not_before_s=5,
        ttl_s=60,
    )  # fmt: skip
    with pytest.raises(ReelgraphError) as caught:
        decode_batch_token(SECRET, early)
    assert caught.value.code == "BATCH_TOO_EARLY"
    expired = jwt.encode(
        {"typ": "labelling-batch", "sub": "b", "iat": 1, "exp": int(time.time()) - 10},
        SECRET,
        algorithm="HS256",
    )
    for bad, code in (
        (expired, "BATCH_EXPIRED"),
        (token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"), "INVALID_BATCH_TOKEN"),
        (issue_batch_token("other" * 10, batch_id="b", labeller_id="l", campaign_id="c",
                           clip_ids=[], not_before_s=0, ttl_s=60), "INVALID_BATCH_TOKEN"),
        (issue_labeller_token(SECRET, labeller_id="l", org_id="o", campaign_id="c",
                              connection_id=1, ttl_s=60), "INVALID_BATCH_TOKEN"),
    ):  # fmt: skip
        with pytest.raises(ReelgraphError) as caught:
            decode_batch_token(SECRET, bad)
        assert caught.value.code == code


def test_labeller_token() -> None:
    token = issue_labeller_token(
        SECRET, labeller_id="l", org_id="o", campaign_id="c", connection_id=7, ttl_s=60
    )
    principal = labeller_principal(SECRET, token)
    assert (principal.labeller_id, principal.org_id, principal.campaign_id) == ("l", "o", "c")
    assert principal.connection_id == 7 and not principal.scopes
    expired = issue_labeller_token(
        SECRET, labeller_id="l", org_id="o", campaign_id="c", connection_id=7, ttl_s=-5
    )
    with pytest.raises(ReelgraphError) as caught:
        labeller_principal(SECRET, expired)
    assert caught.value.code == "TOKEN_EXPIRED"


def test_signed_clip_url() -> None:
    sid = "a" * 32
    url = signed_clip_url(SECRET, org_id="o", session_id=sid, start_frame=5, end_frame=9, ttl_s=60)
    path, _, query = url.partition("?")
    principal = signed_clip_principal(SECRET, path, query)
    assert principal is not None and principal.org_id == "o" and principal.has_scope("file")
    assert signed_clip_principal(SECRET, path, "start_frame=5") is None  # no sig: other auth
    assert signed_clip_principal(SECRET, "/graphql", query) is None  # another route
    for bad_path, bad_query in (
        (path, query.replace("end_frame=9", "end_frame=99")),
        (path.replace("a" * 32, "b" * 32), query),
        (path, query + "&mode=debug"),
        (path, query.replace("org=o", "org=p")),
    ):
        with pytest.raises(ReelgraphError) as caught:
            signed_clip_principal(SECRET, bad_path, bad_query)
        assert caught.value.code == "INVALID_CLIP_SIGNATURE"
    old = signed_clip_url(SECRET, org_id="o", session_id=sid, start_frame=5, end_frame=9, ttl_s=-5)
    with pytest.raises(ReelgraphError):
        signed_clip_principal(SECRET, *old.split("?"))
