"""Crowd-labelling test helpers: sessions to cut clips from, campaigns, labeller clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from graph.ids import new_session_id, now_s
from graph.state import AppState
from tests.support.client import ApiClient

CLIP_FIELDS = "id sessionId startFrame endFrame url labelState labelStateAdmin label labelSource"
CAMPAIGN = """
mutation($input: CampaignInput!) {
  createCampaign(input: $input) { id name question batchSize goldPerBatch clipCount }
}"""
CLIPS = """
query($c: ID!, $first: Int, $after: String) {
  labellingClips(campaignId: $c, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { @CLIP@ posterior } }
  }
}""".replace("@CLIP@", CLIP_FIELDS)
LOGIN = """
mutation($c: ID!, $id: String, $tok: String) {
  labellingLogin(campaignId: $c, clientId: $id, idToken: $tok) {
    token expiresIn labeller { id clientId type score rawScore reliability bestTutorialAction }
  }
}"""
BATCH = """
query($c: ID!) { labellingBatch(campaignId: $c) { id videoToken clips { @CLIP@ } } }
""".replace("@CLIP@", CLIP_FIELDS)
SUBMIT = """
mutation($t: String!, $a: [ClipAnswer!]!) {
  submitLabellingBatch(videoToken: $t, answers: $a) { batchScore userScore userRawScore passed }
}"""
SET_STATES = """
mutation($c: ID!, $items: [ClipAnswer!]!) {
  setLabelStates(campaignId: $c, items: $items) { @CLIP@ }
}""".replace("@CLIP@", CLIP_FIELDS)


async def fake_video_session(
    state: AppState, org_id: str, *, frame_count: int = 250, fps: float = 25.0
) -> str:
    """A READY video session node without media: enough to cut clips from and label them."""
    session_id = new_session_id()
    now = now_s()
    await state.sessions.create(
        {
            "id": session_id,
            "org_id": org_id,
            "status": "READY",
            "kind": "video",
            "name": "labelling fixture",
            "fps": fps,
            "frame_count": frame_count,
            "duration_ms": frame_count / fps * 1000,
            "width": 64,
            "height": 48,
            "ts_start": now,
            "created_at": now,
        }
    )
    return session_id


async def create_campaign(api: ApiClient, session_ids: list[str], **extra: Any) -> dict[str, Any]:
    data = await api.gql(
        CAMPAIGN,
        input={"name": "smoke", "question": "is there smoke?", "sessionIds": session_ids, **extra},
    )
    return dict(data["createCampaign"])


async def all_clips(api: ApiClient, campaign_id: str) -> list[dict[str, Any]]:
    clips: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api.gql(CLIPS, c=campaign_id, first=1000, after=after))["labellingClips"]
        clips += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return clips
        after = page["pageInfo"]["endCursor"]


async def set_states(api: ApiClient, campaign_id: str, states: dict[str, int]) -> list[dict]:
    items = [{"clipId": c, "label": s} for c, s in states.items()]
    return list((await api.gql(SET_STATES, c=campaign_id, items=items))["setLabelStates"])


@dataclass
class LabellerClient(ApiClient):
    """A labeller: GraphQL with ``Authorization: Bearer <labeller token>``, no API key."""

    labeller: dict[str, Any] | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    async def batch(self, campaign_id: str) -> dict[str, Any]:
        return dict((await self.gql(BATCH, c=campaign_id))["labellingBatch"])

    async def submit(self, token: str, answers: dict[str, int]) -> dict[str, Any]:
        items = [{"clipId": c, "label": v} for c, v in answers.items()]
        return dict((await self.gql(SUBMIT, t=token, a=items))["submitLabellingBatch"])


async def login(http: httpx.AsyncClient, campaign_id: str, client_id: str) -> LabellerClient:
    """Sign a labeller in with a client id (no API key, no header)."""
    response = await http.post(
        "/graphql", json={"query": LOGIN, "variables": {"c": campaign_id, "id": client_id}}
    )
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    found = body["data"]["labellingLogin"]
    return LabellerClient(http, found["token"], "", labeller=found["labeller"])
