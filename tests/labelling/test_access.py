"""Tokens, roles and isolation on the embedded stack: each takes effect on the next request."""

from __future__ import annotations

import asyncio

import httpx
import jwt
import pytest

from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.labelling import (
    BATCH,
    LOGIN,
    SUBMIT,
    LabellerClient,
    all_clips,
    create_campaign,
    fake_video_session,
    login,
    set_states,
)

SET_TYPE = (
    "mutation($l: ID!, $t: LabellerType!) { setLabellerType(labellerId: $l, type: $t) { type } }"
)


async def _campaign(api: ApiClient, state: AppState, golds: bool = True) -> tuple[str, list[dict]]:
    session_id = await fake_video_session(state, api.org_id, frame_count=200)
    campaign = await create_campaign(api, [session_id], clipsFrom="window", windowSeconds=0.2)
    clips = await all_clips(api, campaign["id"])
    if golds:
        await set_states(
            api,
            campaign["id"],
            {c["id"]: 47 for c in clips[:3]} | {c["id"]: 32 for c in clips[3:6]},
        )
    return campaign["id"], clips


def _answers(batch: dict, value: int = 0) -> list[dict]:
    return [{"clipId": c["id"], "label": value} for c in batch["clips"]]


async def test_early_tampered_and_expired_tokens_do_not_use_the_batch_up(
    api: ApiClient, state: AppState, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state, "settings", state.settings.with_overrides(labelling_batch_min_s=1.0))
    campaign_id, clips = await _campaign(api, state)
    gold = {c["id"]: 1 for c in clips[:3]} | {c["id"]: 0 for c in clips[3:6]}
    citizen = await login(http, campaign_id, "early-bird")
    batch = await citizen.batch(campaign_id)
    right = [{"clipId": c["id"], "label": gold.get(c["id"], 1)} for c in batch["clips"]]
    early = await citizen.gql_error(SUBMIT, t=batch["videoToken"], a=right)
    assert early["extensions"]["code"] == "BATCH_TOO_EARLY"
    header, payload, signature = batch["videoToken"].split(".")
    forged = jwt.encode(
        {**jwt.decode(batch["videoToken"], options={"verify_signature": False}), "nbf": 0},
        "not-the-server-key" * 3,
        algorithm="HS256",
    )
    for token, answers, code in (
        (forged, right, "INVALID_BATCH_TOKEN"),
        (f"{header}.{payload}.{signature[::-1]}", right, "INVALID_BATCH_TOKEN"),
        (batch["videoToken"], right[:-1], "INVALID_BATCH_TOKEN"),
        (batch["videoToken"], [*right[:-1], {**right[-1], "label": 2}], "INVALID_ANSWER"),
    ):
        error = await citizen.gql_error(SUBMIT, t=token, a=answers)
        assert error["extensions"]["code"] in (code, "BATCH_TOO_EARLY"), error
    other = await login(http, campaign_id, "someone-else")
    stolen = await other.gql_error(SUBMIT, t=batch["videoToken"], a=right)
    assert stolen["extensions"]["code"] in ("INVALID_BATCH_TOKEN", "BATCH_TOO_EARLY")
    await asyncio.sleep(1.05)
    for token, answers in ((forged, right), (batch["videoToken"], right[:-1])):
        error = await citizen.gql_error(SUBMIT, t=token, a=answers)
        assert error["extensions"]["code"] == "INVALID_BATCH_TOKEN"
    outcome = await citizen.submit(batch["videoToken"], {a["clipId"]: a["label"] for a in right})
    assert outcome["passed"] is True  # none of the refusals used the batch up
    # an expired labeller token is refused before GraphQL (401), a tampered one too
    expired = jwt.encode(
        {**jwt.decode(citizen.key, options={"verify_signature": False}), "exp": 1},
        state.jwt_secret,
        algorithm="HS256",
    )
    for token, code in ((expired, "TOKEN_EXPIRED"), (citizen.key[:-2] + "xx", "INVALID_TOKEN")):
        response = await http.post(
            "/graphql",
            json={"query": BATCH, "variables": {"c": campaign_id}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 401 and code in response.text


async def test_role_change_and_blacklisting_take_effect_on_the_next_request(
    api: ApiClient, state: AppState, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state, "settings", state.settings.with_overrides(labelling_batch_min_s=0.0))
    campaign_id, _ = await _campaign(api, state)
    person = await login(http, campaign_id, "promoted")
    assert person.labeller is not None
    labeller_id = person.labeller["id"]
    citizen_batch = await person.batch(campaign_id)
    assert all(c["labelState"] is None for c in citizen_batch["clips"])
    refused = await person.gql_error(
        "query($c: ID!) { labellingGallery(campaignId: $c, kind: GOLD_POSITIVE) { totalCount } }",
        c=campaign_id,
    )
    assert refused["extensions"]["code"] == "RESEARCHER_ONLY"
    not_yet = await person.gql_error(SET_TYPE, l=labeller_id, t="RESEARCHER")
    assert not_yet["extensions"]["code"] == "RESEARCHER_ONLY"
    await api.gql(SET_TYPE, l=labeller_id, t="RESEARCHER")
    # same token, next request: a researcher now
    golds = await person.gql(
        "query($c: ID!) { labellingGallery(campaignId: $c, kind: GOLD_POSITIVE) { totalCount "
        "edges { node { id labelStateAdmin label labelSource } } } }",
        c=campaign_id,
    )
    gallery = golds["labellingGallery"]
    assert gallery["totalCount"] == 3
    assert {e["node"]["labelSource"] for e in gallery["edges"]} == {"gold"}
    # a client id is a clientId login's credential: a researcher labeller does not read another's
    other = await login(http, campaign_id, "someone-else")
    assert other.labeller is not None
    who = "query($l: ID!) { labeller(id: $l) { clientId } }"
    assert (await person.gql(who, l=other.labeller["id"]))["labeller"]["clientId"] == ""
    assert (await api.gql(who, l=other.labeller["id"]))["labeller"]["clientId"] == "someone-else"
    assert (await other.gql(who, l=other.labeller["id"]))["labeller"]["clientId"] == "someone-else"
    assert (await person.gql(who, l=labeller_id))["labeller"]["clientId"] == "promoted"
    changed_role = await person.gql_error(
        SUBMIT, t=citizen_batch["videoToken"], a=_answers(citizen_batch)
    )
    assert changed_role["extensions"]["code"] == "ROLE_CHANGED"
    researcher_batch = await person.batch(campaign_id)
    gold_ids = {e["node"]["id"] for e in gallery["edges"]}
    assert len(researcher_batch["clips"]) == 16
    assert not gold_ids & {c["id"] for c in researcher_batch["clips"]}  # no golds for researchers
    await api.gql(SET_TYPE, l=labeller_id, t="BLACKLISTED")
    blocked = await person.gql_error(BATCH, c=campaign_id)
    assert blocked["extensions"]["code"] == "LABELLER_BLACKLISTED"
    again = await http.post(
        "/graphql", json={"query": LOGIN, "variables": {"c": campaign_id, "id": "promoted"}}
    )
    assert again.json()["errors"][0]["extensions"]["code"] == "LABELLER_BLACKLISTED"


async def test_isolation_and_typed_errors(
    api: ApiClient, other_api: ApiClient, state: AppState, http: httpx.AsyncClient
) -> None:
    campaign_id, clips = await _campaign(api, state, golds=False)
    other_id, _ = await _campaign(other_api, state, golds=False)
    labeller = await login(http, campaign_id, "isolated")
    # no golds yet: null with a reason
    body = await labeller.gql_raw(BATCH, c=campaign_id)
    assert body["data"]["labellingBatch"] is None
    assert body["errors"][0]["extensions"] == {
        "code": "NO_BATCH_AVAILABLE",
        "reason": "NOT_ENOUGH_GOLDS",
    }
    for query, variables, code in (
        (BATCH, {"c": other_id}, "CAMPAIGN_NOT_FOUND"),
        ("query { sessions { totalCount } }", {}, "LABELLER_ONLY"),
        ("query($c: ID!) { labellingStatistics(campaignId: $c) { numAllVideos } }",
         {"c": "nope"}, "CAMPAIGN_NOT_FOUND"),
    ):  # fmt: skip
        error = await labeller.gql_error(query, **variables)
        assert error["extensions"]["code"] == code, error
    seen = await api.gql(
        "query($a: ID!, $b: ID!) { mine: campaign(id: $a) { clipCount } theirs: campaign(id: $b) "
        "{ clipCount } }",
        a=campaign_id,
        b=other_id,
    )
    assert seen == {"mine": {"clipCount": 40}, "theirs": None}
    nodes = await api.gql(
        "query($a: ID!, $b: ID!, $o: ID!) { a: node(id: $a) { __typename id } "
        "b: node(id: $b) { __typename ... on Clip { startFrame labelState } } "
        "o: node(id: $o) { id } }",
        a=campaign_id,
        b=clips[1]["id"],
        o=other_id,
    )
    assert nodes["a"] == {"__typename": "Campaign", "id": campaign_id}
    assert nodes["b"] == {"__typename": "Clip", "startFrame": 5, "labelState": -1}
    assert nodes["o"] is None
    foreign = await other_api.gql_error(
        "mutation($c: ID!, $i: [ClipAnswer!]!) { setLabelStates(campaignId: $c, items: $i) "
        "{ id } }",
        c=campaign_id,
        i=[{"clipId": clips[0]["id"], "label": 47}],
    )
    assert foreign["extensions"]["code"] == "CAMPAIGN_NOT_FOUND"
    for items, code in (
        ([{"clipId": "missing", "label": 47}], "CLIP_NOT_FOUND"),
        ([{"clipId": clips[0]["id"], "label": 5}], "INVALID_ANSWER"),
    ):
        error = await api.gql_error(
            "mutation($c: ID!, $i: [ClipAnswer!]!) { setLabelStates(campaignId: $c, items: $i) "
            "{ id } }",
            c=campaign_id,
            i=items,
        )
        assert error["extensions"]["code"] == code
    login_errors = [
        ({"c": campaign_id}, "MISSING_CREDENTIAL"),
        ({"c": campaign_id, "id": "has space"}, "INVALID_CLIENT_ID"),
        ({"c": campaign_id, "tok": "x.y.z"}, "OIDC_NOT_CONFIGURED"),
        ({"c": "nope", "id": "a"}, "CAMPAIGN_NOT_FOUND"),
    ]
    for variables, code in login_errors:
        response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
        assert response.json()["errors"][0]["extensions"]["code"] == code
    # a labeller token reaches no REST route, and a labeller of another campaign is refused
    rest = await http.get(
        f"/api/v1/file/{clips[0]['sessionId']}/video",
        headers={"Authorization": f"Bearer {labeller.key}"},
    )
    assert rest.status_code == 403 and "LABELLER_ONLY" in rest.text
    stranger = await login(http, other_id, "isolated")
    wrong = await LabellerClient(http, stranger.key, "").gql_error(BATCH, c=campaign_id)
    assert wrong["extensions"]["code"] == "CAMPAIGN_NOT_FOUND"
    # reset (-1) and bad (-2)
    reset = await api.gql(
        "mutation($c: ID!, $i: [ClipAnswer!]!) { setLabelStates(campaignId: $c, items: $i) "
        "{ labelStateAdmin } }",
        c=campaign_id,
        i=[{"clipId": clips[0]["id"], "label": -2}, {"clipId": clips[1]["id"], "label": 23}],
    )
    assert [c["labelStateAdmin"] for c in reset["setLabelStates"]] == [-2, 23]
    await set_states(api, campaign_id, {clips[1]["id"]: -1})
    stats = await api.gql(
        "query($c: ID!) { labellingStatistics(campaignId: $c) { numAllVideos numFullyLabeled } "
        "bad: labellingGallery(campaignId: $c, kind: BAD) { totalCount } }",
        c=campaign_id,
    )
    assert stats["labellingStatistics"] == {"numAllVideos": 39, "numFullyLabeled": 0}
    assert stats["bad"]["totalCount"] == 1
