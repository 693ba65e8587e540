"""End to end through GraphQL on the embedded stack: campaign, login, batch, submit, states."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.labelling import (
    all_clips,
    create_campaign,
    fake_video_session,
    login,
    set_states,
)


@pytest.fixture
def no_cooldown(state: AppState, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches may be returned at once (the 5 s not-before delay has its own test)."""
    monkeypatch.setattr(state, "settings", state.settings.with_overrides(labelling_batch_min_s=0.0))


async def _campaign_with_golds(api: ApiClient, state: AppState) -> tuple[str, list[dict]]:
    session_id = await fake_video_session(state, api.org_id, frame_count=250)
    campaign = await create_campaign(
        api, [session_id], clipsFrom="window", windowSeconds=0.2
    )  # 250 frames at 25 fps in 5-frame windows: 50 clips
    assert campaign["clipCount"] == 50
    clips = await all_clips(api, campaign["id"])
    golds = {c["id"]: 47 for c in clips[:3]} | {c["id"]: 32 for c in clips[3:6]}
    await set_states(api, campaign["id"], golds)
    return campaign["id"], clips


def _truthful(batch: dict[str, Any], gold: dict[str, int]) -> dict[str, int]:
    return {c["id"]: 1 if gold.get(c["id"]) == 47 else 0 for c in batch["clips"]}


@pytest.mark.usefixtures("no_cooldown")
async def test_login_batch_submit_and_replay(
    api: ApiClient, state: AppState, http: httpx.AsyncClient
) -> None:
    campaign_id, clips = await _campaign_with_golds(api, state)
    gold = {c["id"]: 47 for c in clips[:3]} | {c["id"]: 32 for c in clips[3:6]}
    citizen = await login(http, campaign_id, "citizen-1")
    assert citizen.labeller and citizen.labeller["type"] == "LAYPERSON"
    batch = await citizen.batch(campaign_id)
    ids = [c["id"] for c in batch["clips"]]
    assert len(ids) == 16 and len(set(ids)) == 16
    assert sum(1 for i in ids if i in gold) == 4
    assert all(c["labelState"] is None and c["labelStateAdmin"] is None for c in batch["clips"])
    outcome = await citizen.submit(batch["videoToken"], _truthful(batch, gold))
    assert outcome == {"batchScore": 12, "userScore": 12, "userRawScore": 12, "passed": True}
    replay = await citizen.gql_error(
        "mutation($t: String!, $a: [ClipAnswer!]!) { submitLabellingBatch(videoToken: $t, "
        "answers: $a) { passed } }",
        t=batch["videoToken"],
        a=[{"clipId": c, "label": v} for c, v in _truthful(batch, gold).items()],
    )
    assert replay["extensions"]["code"] == "BATCH_ALREADY_RETURNED"
    after = {c["id"]: c for c in await all_clips(api, campaign_id)}
    moved = [after[i]["labelState"] for i in ids if i not in gold]
    assert moved == [4] * 12  # every non-gold got one "no"
    stats = await api.gql(
        "query($c: ID!) { labellingStatistics(campaignId: $c) { numAllVideos numFullyLabeled "
        "numPartiallyLabeled } }",
        c=campaign_id,
    )
    assert stats["labellingStatistics"] == {
        "numAllVideos": 44,
        "numFullyLabeled": 0,
        "numPartiallyLabeled": 12,
    }
    # a wrong gold: score 0, raw counted, nothing stored
    second = await citizen.batch(campaign_id)
    wrong = _truthful(second, gold)
    first_gold = next(c for c in wrong if c in gold)
    wrong[first_gold] = 1 - wrong[first_gold]
    failed = await citizen.submit(second["videoToken"], wrong)
    assert failed == {"batchScore": 0, "userScore": 12, "userRawScore": 24, "passed": False}
    unchanged = {c["id"]: c for c in await all_clips(api, campaign_id)}
    assert all(unchanged[i]["labelState"] == after[i]["labelState"] for i in wrong if i not in gold)
