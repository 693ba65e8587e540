"""Concurrent returns of batches sharing clips: every answer kept, every state consistent."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest

from graph.labelling.states import citizen_next
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.labelling import (
    all_clips,
    create_campaign,
    fake_video_session,
    login,
    set_states,
)

LABELLERS = 20


async def test_concurrent_overlapping_submissions_lose_nothing(
    api: ApiClient, state: AppState, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state, "settings", state.settings.with_overrides(labelling_batch_min_s=0.0))
    session_id = await fake_video_session(state, api.org_id, frame_count=26)
    campaign = await create_campaign(api, [session_id], clipsFrom="window", windowSeconds=0.04)
    clips = await all_clips(api, campaign["id"])
    assert len(clips) == 26  # 6 golds + 20 clips: every batch shares clips with the others
    gold = {c["id"]: 1 for c in clips[:3]} | {c["id"]: 0 for c in clips[3:6]}
    await set_states(api, campaign["id"], {c: 47 if v else 32 for c, v in gold.items()})
    labellers = [await login(http, campaign["id"], f"crowd-{i}") for i in range(LABELLERS)]
    batches = [await labeller.batch(campaign["id"]) for labeller in labellers]
    rng = random.Random(5)
    answers = [
        {c["id"]: gold.get(c["id"], rng.randint(0, 1)) for c in batch["clips"]} for batch in batches
    ]
    outcomes = await asyncio.gather(
        *(
            labeller.submit(batch["videoToken"], answer)
            for labeller, batch, answer in zip(labellers, batches, answers, strict=True)
        )
    )
    assert all(o["passed"] and o["batchScore"] == 12 for o in outcomes)
    async with state.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT clip_id, label, labeller_id FROM labelling_answers "
            "WHERE campaign_id = $1 AND batch_id IS NOT NULL ORDER BY id",
            campaign["id"],
        )
        scores = await conn.fetch(
            "SELECT score, raw_score FROM labellers WHERE id = ANY($1::text[])",
            [labeller.labeller["id"] for labeller in labellers if labeller.labeller],
        )
    assert len(rows) == LABELLERS * 16  # every answer of every batch, golds included
    assert {(r["score"], r["raw_score"]) for r in scores} == {(12, 12)}
    replayed: dict[str, int] = {}
    for row in rows:  # in commit order: the row locks serialise the batches per clip
        current = replayed.get(row["clip_id"], -1)
        nxt = citizen_next(current, row["label"])
        replayed[row["clip_id"]] = current if nxt is None else nxt
    stored = {c["id"]: c["labelState"] for c in await all_clips(api, campaign["id"])}
    assert {c: stored[c] for c in replayed} == replayed


async def test_a_researcher_submitting_while_setting_states_on_the_same_clips_never_deadlocks(
    api: ApiClient, state: AppState, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A submission locks its labeller row and then the clips; setLabelStates locks the clips and
    # then inserts answers naming that labeller (a foreign key: KEY SHARE on its row). With
    # FOR UPDATE on the labeller the two waited on each other and PostgreSQL killed one.
    monkeypatch.setattr(state, "settings", state.settings.with_overrides(labelling_batch_min_s=0.0))
    session_id = await fake_video_session(state, api.org_id, frame_count=480)  # 30 batches of 16
    campaign = await create_campaign(api, [session_id], clipsFrom="window", windowSeconds=0.04)
    researcher = await login(http, campaign["id"], "researcher")
    assert researcher.labeller is not None
    await api.gql(
        "mutation($l: ID!) { setLabellerType(labellerId: $l, type: RESEARCHER) { type } }",
        l=researcher.labeller["id"],
    )
    for _ in range(30):
        batch = await researcher.batch(campaign["id"])
        ids = [c["id"] for c in batch["clips"]]
        answers = {clip: 1 for clip in ids}
        resets = {clip: -1 for clip in reversed(ids)}
        submitted, reset = await asyncio.gather(
            researcher.submit(batch["videoToken"], answers),
            researcher.gql(
                "mutation($c: ID!, $items: [ClipAnswer!]!) { setLabelStates(campaignId: $c, "
                "items: $items) { id } }",
                c=campaign["id"],
                items=[{"clipId": c, "label": v} for c, v in resets.items()],
            ),
        )
        assert submitted["passed"] and len(reset["setLabelStates"]) == len(ids)
