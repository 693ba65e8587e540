"""Acceptance: a simulated crowd labels a campaign of 225 one-frame clips of known truth.

Accurate and noisy labellers and three kinds of spammers work at the same time through the
GraphQL API (the real app, PostgreSQL and graph store). Afterwards: the golds discarded every
always-yes and always-no batch, the final labels' accuracy and coverage are reported and held
to bounds, a replayed batch is refused, and what concurrent submissions on overlapping clips
stored is exactly what was sent (answers counted per clip; every clip's state one that some
order of arrival of its answers reaches).
"""

from __future__ import annotations

import dataclasses
import random
import time
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.crowd import (
    LABELLER,
    Behaviour,
    Crowd,
    SimulatedLabeller,
    data_of,
    error_code,
    gql,
    reachable_states,
)
from tests.support.media import ffmpeg

FPS = 25
FRAMES = 225  # one clip per frame: 225 clips
POSITIVE_SHARE = 0.4
GOLDS_PER_SIDE = 8
CROWD = {
    Behaviour.ACCURATE: 5,
    Behaviour.NOISY: 5,
    Behaviour.ALWAYS_YES: 2,
    Behaviour.ALWAYS_NO: 2,
    Behaviour.RANDOM: 2,
}
CREATE = "mutation($i: CampaignInput!) { createCampaign(input: $i) { id clipCount } }"
CLIPS = """query($c: ID!, $after: String) { labellingClips(campaignId: $c, first: 1000,
  after: $after) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { id labelState labelStateAdmin label labelSource } } } }"""
SET_STATES = """mutation($c: ID!, $i: [ClipAnswer!]!) { setLabelStates(campaignId: $c, items: $i)
  { id labelStateAdmin } }"""
ANSWER_COUNTS = """SELECT clip_id, count(*) AS n FROM labelling_answers
  WHERE campaign_id = $1 AND batch_id IS NOT NULL GROUP BY clip_id"""


def crowd_video(root: Path) -> Path:
    """9 s of a small test pattern at 25 fps: 225 frames, one clip each."""
    target = root / "crowd.mp4"
    picture = f"testsrc2=s=160x120:r={FPS}:d={FRAMES / FPS}"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        picture,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-g",
        str(FPS),
        "-pix_fmt",
        "yuv420p",
        str(target),
    )
    return target


async def all_clips(api: ApiClient, campaign_id: str) -> list[dict[str, Any]]:
    clips: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = (await api.gql(CLIPS, c=campaign_id, after=after))["labellingClips"]
        clips += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return clips
        after = page["pageInfo"]["endCursor"]


def make_crowd(seed: int) -> list[SimulatedLabeller]:
    rng = random.Random(seed)
    return [
        SimulatedLabeller(f"{behaviour.value}-{n}", behaviour, random.Random(rng.random()))
        for behaviour, count in CROWD.items()
        for n in range(count)
    ]


async def test_simulated_crowd(
    api: ApiClient, state: AppState, run_worker: Any, tmp_path: Path
) -> None:
    session = await api.create_session_from_file(crowd_video(tmp_path))
    await run_worker()
    spec = {
        "name": "crowd",
        "question": "is there smoke?",
        "sessionIds": [session["id"]],
        "clipsFrom": "window",
        "windowSeconds": 1 / FPS,
    }
    campaign = (await api.gql(CREATE, i=spec))["createCampaign"]
    assert campaign["clipCount"] == FRAMES
    clip_ids = [c["id"] for c in await all_clips(api, campaign["id"])]
    assert len(clip_ids) == FRAMES

    rng = random.Random(15)
    truth = {clip_id: rng.random() < POSITIVE_SHARE for clip_id in clip_ids}
    positives = [c for c in clip_ids if truth[c]]
    negatives = [c for c in clip_ids if not truth[c]]
    golds = {c: 47 for c in rng.sample(positives, GOLDS_PER_SIDE)}
    golds |= {c: 32 for c in rng.sample(negatives, GOLDS_PER_SIDE)}
    # a researcher (here the org's API key) marks the golds before anyone labels
    items = [{"clipId": c, "label": code} for c, code in golds.items()]
    await api.gql(SET_STATES, c=campaign["id"], i=items)

    # the batch delay (5 s) is checked by the page test; the crowd returns batches at once
    quick = dataclasses.replace(state.settings, labelling_batch_min_s=0.0)
    app = create_app(state=dataclasses.replace(state, settings=quick))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://crowd") as http:
        crowd = Crowd(http, campaign["id"], truth, make_crowd(15), 0.0, max_batches_per_spammer=4)
        await crowd.sign_in()
        started = time.perf_counter()
        await crowd.run()
        elapsed = time.perf_counter() - started

        # spammers: every always-yes / always-no batch discarded; random ones pass 1 in 16
        # (four golds right by chance): 5 or more of their 8 is a 1-in-20,000 event
        coin = [
            b.passed for x in crowd.labellers if x.behaviour is Behaviour.RANDOM for b in x.returned
        ]
        assert len(coin) == 8 and sum(coin) <= 4
        for labeller in crowd.labellers:
            passed = sum(b.passed for b in labeller.returned)
            if labeller.behaviour in (Behaviour.ALWAYS_YES, Behaviour.ALWAYS_NO):
                assert labeller.returned and passed == 0, labeller.client_id
            elif labeller.behaviour is Behaviour.ACCURATE:
                assert labeller.returned and passed == len(labeller.returned)
            # the server's totals are the sum of what each returned batch said
            body = await gql(http, LABELLER, labeller.headers, id=labeller.labeller_id)
            stored = data_of(body)["labeller"]
            non_gold = [len(b.answers) - 4 for b in labeller.returned]
            assert stored["rawScore"] == sum(non_gold)
            assert stored["score"] == sum(
                n for n, b in zip(non_gold, labeller.returned, strict=True) if b.passed
            )

        # a batch returned twice is refused, and scores nothing the second time
        accurate = next(x for x in crowd.labellers if x.behaviour is Behaviour.ACCURATE)
        first = accurate.returned[0]
        before = data_of(await gql(http, LABELLER, accurate.headers, id=accurate.labeller_id))
        replay = await crowd.submit(accurate, first.video_token, first.answers)
        assert error_code(replay) == "BATCH_ALREADY_RETURNED", replay
        after = data_of(await gql(http, LABELLER, accurate.headers, id=accurate.labeller_id))
        assert after == before
        # so is a batch the golds discarded: it was returned, it cannot be tried again
        spammer = next(x for x in crowd.labellers if x.behaviour is Behaviour.ALWAYS_YES)
        failed = spammer.returned[0]
        replay = await crowd.submit(spammer, failed.video_token, failed.answers)
        assert error_code(replay) == "BATCH_ALREADY_RETURNED", replay

    # nothing lost: per clip, the answers stored are the answers of the batches that passed,
    # and its state is one that an order of arrival of those answers reaches
    sent = crowd.passed_answers()
    async with state.pool.acquire() as connection:
        rows = await connection.fetch(ANSWER_COUNTS, campaign["id"])
    assert {r["clip_id"]: r["n"] for r in rows} == {c: len(a) for c, a in sent.items()}
    clips = {c["id"]: c for c in await all_clips(api, campaign["id"])}
    wrong_states = {
        c: (clips[c]["labelState"], answers)
        for c, answers in sent.items()
        if clips[c]["labelState"] not in reachable_states(answers)
    }
    assert wrong_states == {}
    assert all(clips[c]["labelStateAdmin"] == code for c, code in golds.items())

    # the final labels against the truth, over the clips that are not golds
    open_clips = [c for c in clip_ids if c not in golds]
    decided = [c for c in open_clips if clips[c]["label"] is not None]
    correct = sum(clips[c]["label"] == truth[c] for c in decided)
    coverage = len(decided) / len(open_clips)
    accuracy = correct / len(decided)
    batches = sum(len(x.returned) for x in crowd.labellers)
    passed = sum(b.passed for x in crowd.labellers for b in x.returned)
    print(
        f"\nsimulated crowd: {len(open_clips)} clips (+{len(golds)} golds), "
        f"{len(crowd.labellers)} labellers, {batches} batches returned ({passed} passed) "
        f"in {elapsed:.1f} s; coverage {coverage:.1%}, accuracy {accuracy:.1%}"
    )
    assert coverage >= 0.85
    assert accuracy >= 0.9
