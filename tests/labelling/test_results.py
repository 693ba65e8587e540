"""Results on the embedded stack: signed clips play, labels reach the graph, galleries, records,
reliability and history, the Dawid-Skene posterior and the progress subscription."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import pytest
import websockets
from websockets.typing import Subprotocol

from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.labelling import all_clips, create_campaign, login, set_states

PROTOCOL = Subprotocol("graphql-transport-ws")
LABELLER = """
query($l: ID!) { labeller(id: $l) { score rawScore reliability bestTutorialAction
  history { score numUnlabeled numGoldStandard } } }"""


async def test_clips_play_labels_reach_the_graph_and_progress_streams(
    api: ApiClient,
    state: AppState,
    http: httpx.AsyncClient,
    ready_session: dict[str, Any],
    live_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(state, "settings", state.settings.with_overrides(labelling_batch_min_s=0.0))
    fps, frames = ready_session["fps"], ready_session["frameCount"]
    window = frames / fps / 20  # 20 clips
    campaign = await create_campaign(
        api,
        [ready_session["id"]],
        clipsFrom="window",
        windowSeconds=window,
        batchSize=8,
        goldPerBatch=2,
    )  # a batch: 1 positive gold, 1 negative, 6 clips
    campaign_id = campaign["id"]
    again = await api.gql(
        "mutation($c: ID!, $s: [ID!]!) { addCampaignSessions(campaignId: $c, sessionIds: $s) "
        "{ clipCount } }",
        c=campaign_id,
        s=[ready_session["id"]],
    )
    assert again["addCampaignSessions"]["clipCount"] == campaign["clipCount"] >= 20
    clips = await all_clips(api, campaign_id)
    shots = await state.chunks.list(ready_session["id"])
    by_shot = await create_campaign(api, [ready_session["id"]], clipsFrom="chunks")
    assert shots and by_shot["clipCount"] == len(shots)
    # a signed clip URL plays without any key; an altered one does not
    played = await http.get(clips[1]["url"])
    assert played.status_code == 200 and played.headers["content-type"] == "video/mp4"
    assert played.content[4:8] == b"ftyp"
    altered = await http.get(clips[1]["url"].replace("start_frame=", "start_frame=1"))
    assert altered.status_code == 401 and "INVALID_CLIP_SIGNATURE" in altered.text
    not_ascii = await http.get(re.sub(r"sig=[0-9a-f]+", "sig=%C3%A9", clips[1]["url"]))
    assert not_ascii.status_code == 401 and "INVALID_CLIP_SIGNATURE" in not_ascii.text
    golds = {c["id"]: 47 for c in clips[:2]} | {c["id"]: 32 for c in clips[2:4]}
    await set_states(api, campaign_id, golds)
    ws_url = live_url.replace("http://", "ws://", 1) + "/graphql"
    async with websockets.connect(ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"X-API-Key": api.key}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = (
            "subscription($c: ID!) { labellingProgress(campaignId: $c) { campaignId "
            "numFullyLabeled numPartiallyLabeled batchesReturned } }"
        )
        payload = {"query": query, "variables": {"c": campaign_id}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        first = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert first["payload"]["data"]["labellingProgress"]["batchesReturned"] == 0
        # two citizens say yes: the second gets the first's clips (partially labelled first)
        labellers = [await login(http, campaign_id, f"yes-{i}") for i in range(2)]
        for labeller in labellers:
            batch = await labeller.batch(campaign_id)
            answers = {c["id"]: 0 if golds.get(c["id"]) == 32 else 1 for c in batch["clips"]}
            assert (await labeller.submit(batch["videoToken"], answers))["passed"]
        events: list[dict[str, Any]] = []
        while len(events) < 2:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            events.append(message["payload"]["data"]["labellingProgress"])
    assert events[-1]["batchesReturned"] == 2
    everything = await all_clips(api, campaign_id)
    decided = [c for c in everything if c["labelState"] == 23 and c["id"] not in golds]
    assert decided and events[-1]["numFullyLabeled"] == len(decided)
    assert all(c["label"] is True and c["labelSource"] == "citizens" for c in decided)
    assert all(c["posterior"] is not None and c["posterior"] > 0.5 for c in decided)
    rows = await state.graph.read(
        "MATCH (c:Clip)-[:OF]->(s:Session) WHERE c.campaign_id = $c AND c.label = true "
        "RETURN c.id AS id, c.label_source AS source, s.id AS session",
        {"c": campaign_id},
    )
    expected = {c["id"]: "citizens" for c in decided} | {
        c: "gold" for c, s in golds.items() if s == 47
    }
    assert {r["id"]: r["source"] for r in rows} == expected
    assert {r["session"] for r in rows} == {ready_session["id"]}
    # galleries: POSITIVE, and the clips a given labeller said yes to
    first = labellers[0]
    assert first.labeller is not None
    positive = await first.gql(
        "query($c: ID!, $u: ID) { all: labellingGallery(campaignId: $c, kind: POSITIVE, first: 3) "
        "{ totalCount pageInfo { hasNextPage endCursor } edges { node { id labelState } } } "
        "mine: labellingGallery(campaignId: $c, kind: POSITIVE, userId: $u) { totalCount } }",
        c=campaign_id,
        u=first.labeller["id"],
    )
    assert positive["all"]["totalCount"] == len(decided)
    assert positive["all"]["edges"][0]["node"]["labelState"] is None  # citizens see no states
    assert positive["mine"]["totalCount"] == len(decided)
    tail = await first.gql(
        "query($c: ID!, $a: String) { labellingGallery(campaignId: $c, kind: POSITIVE, "
        "first: 1000, after: $a) { edges { node { id } } } }",
        c=campaign_id,
        a=positive["all"]["pageInfo"]["endCursor"],
    )
    seen = [e["node"]["id"] for e in positive["all"]["edges"]]
    seen += [e["node"]["id"] for e in tail["labellingGallery"]["edges"]]
    assert sorted(seen) == sorted(c["id"] for c in decided)
    # tutorial records, reliability and history
    assert (await first.gql("mutation { addTutorialRecord(actionType: 3, queryType: 1) }"))[
        "addTutorialRecord"
    ]
    await first.gql("mutation { addTutorialRecord(actionType: 1, queryType: 0) }")
    bad = await first.gql_error("mutation { addTutorialRecord(actionType: 9, queryType: 0) }")
    assert bad["extensions"]["code"] == "INVALID_TUTORIAL_RECORD"
    record = (await first.gql(LABELLER, l=first.labeller["id"]))["labeller"]
    assert record["bestTutorialAction"] == 3 and record["reliability"] == 1.0
    assert record["history"] == [{"score": 6, "numUnlabeled": 6, "numGoldStandard": 2}]
    other = labellers[1].labeller
    assert other is not None
    hidden = await first.gql_error(LABELLER, l=other["id"])
    assert hidden["extensions"]["code"] == "LABELLER_NOT_FOUND"
