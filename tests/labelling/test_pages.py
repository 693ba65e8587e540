"""The labelling pages in a real headless Chromium against the app on uvicorn.

A labeller signs in on ``/label``, watches a batch of 16 clips play, answers half of them
with the keyboard and half with the mouse, waits out the batch's 5 s delay, submits and sees
the score; a second sign-in finds no batch left and says why. A researcher then browses
``/gallery`` and marks a clip gold. Screenshots of each step go to ``test-artifacts/labelling``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from api.services.auth import create_api_key
from graph.state import AppState
from tests.support.chromium import Browser, Page, chromium_binary, launch_chromium
from tests.support.client import ApiClient
from tests.support.media import MediaFactory
from tests.support.worker import run_worker_burst

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "labelling"
CHROMIUM = chromium_binary()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

CREATE = "mutation($i: CampaignInput!) { createCampaign(input: $i) { id clipCount } }"
CLIPS = """query($c: ID!) { labellingClips(campaignId: $c, first: 100) {
  edges { node { id labelState labelStateAdmin } } } }"""
SET_STATES = """mutation($c: ID!, $i: [ClipAnswer!]!) { setLabelStates(campaignId: $c, items: $i)
  { id } }"""
LOGIN = """mutation($c: ID!, $id: String) { labellingLogin(campaignId: $c, clientId: $id) {
  labeller { id } } }"""
SET_TYPE = """mutation($id: ID!, $t: LabellerType!) { setLabellerType(labellerId: $id, type: $t)
  { id type } }"""
GALLERY = """query($c: ID!, $k: GalleryKind!) { labellingGallery(campaignId: $c, kind: $k)
  { totalCount edges { node { id } } } }"""
# every clip in the grid has its first frame decoded: its signed URL answered, Chromium plays it
PLAYING = (
    "Array.from(document.querySelectorAll('#grid video'))"
    ".every(v => v.readyState >= 2 && !v.error && v.videoWidth === 320)"
)


@dataclass
class Campaign:
    id: str
    golds: dict[str, int]  # clip id -> 47 (positive) or 32 (negative)
    api: ApiClient


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM is not None
    async with launch_chromium(CHROMIUM) as started:
        yield started


@pytest.fixture(scope="module")
async def campaign(app: Starlette, state: AppState, media: MediaFactory) -> AsyncIterator[Campaign]:
    """20 clips of 0.2 s over the 4 s sample video, 3 positive and 3 negative golds."""
    key, org_id = await create_api_key(state.orgs, "pages", ("file",))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pages") as http:
        api = ApiClient(http, key, org_id)
        session = await api.create_session_from_file(media.sample_video())
        await run_worker_burst(state)
        spec = {
            "name": "Smoke watch",
            "question": "Is there smoke in this clip?",
            "sessionIds": [session["id"]],
            "clipsFrom": "window",
            "windowSeconds": 0.2,
        }
        created = (await api.gql(CREATE, i=spec))["createCampaign"]
        assert created["clipCount"] == 20
        clips = (await api.gql(CLIPS, c=created["id"]))["labellingClips"]["edges"]
        ids = [edge["node"]["id"] for edge in clips]
        golds = {c: 47 for c in ids[:3]} | {c: 32 for c in ids[3:6]}
        items = [{"clipId": c, "label": code} for c, code in golds.items()]
        await api.gql(SET_STATES, c=created["id"], i=items)
        yield Campaign(created["id"], golds, api)


async def view(page: Page, name: str, timeout: float = 15.0) -> None:
    await page.wait_for(
        f"document.getElementById('main').dataset.view === {json.dumps(name)}", timeout
    )


async def sign_in(page: Page, client_id: str) -> None:
    await view(page, "login")
    await page.type_text("#client-id", client_id)
    await page.press("Enter")


async def test_pages_are_public_and_self_contained(http: httpx.AsyncClient) -> None:
    for path in ("/label", "/gallery"):
        response = await http.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert "http://" not in response.text and "https://" not in response.text
        for asset in ("labelling.css", "common.js", path.strip("/") + ".js"):
            assert f'"/labelling/static/{asset}"' in response.text
            served = await http.get(f"/labelling/static/{asset}")
            assert served.status_code == 200, asset
            assert "https://" not in served.text, asset


async def test_label_round(browser: Browser, live_url: str, campaign: Campaign) -> None:
    page = await browser.new_page(1280, 900)
    await page.goto(f"{live_url}/label?campaign={campaign.id}")
    await sign_in(page, "page-labeller")
    await view(page, "batch")
    assert await page.evaluate("document.querySelectorAll('#grid .tile').length") == 16
    # every clip plays: its signed URL answers and Chromium decodes its first frame
    await page.wait_for(PLAYING)
    durations = await page.evaluate(
        "Array.from(document.querySelectorAll('#grid video')).map(v => v.duration)"
    )
    print("clip durations in the page, s:", durations)
    # Each clip plays its 0.2 s window: from the window's first frame (an edit list, not the GOP
    # before it: a fragmented copy ran 0.38-1.24 s) to its end (the URL's #t=0,0.200; the copy
    # itself may hold a few B-frames more), looping there. Sampled for a second of playback:
    assert all(0.15 <= d <= 0.4 for d in durations), durations
    furthest = await page.evaluate(
        "new Promise(done => { const seen = new Map(); const vs = "
        "Array.from(document.querySelectorAll('#grid video'));"
        "const t = setInterval(() => vs.forEach(v => seen.set(v, Math.max(seen.get(v) || 0, "
        "v.currentTime))), 10);"
        "setTimeout(() => { clearInterval(t); done(vs.map(v => [v.src.split('#')[1], "
        "seen.get(v), v.paused])); }, 1000); })"
    )
    assert all(f == "t=0,0.200" and t <= 0.25 and not paused for f, t, paused in furthest), furthest
    await page.screenshot(ARTIFACTS / "label-1-batch.png")

    clip_ids: list[str] = await page.evaluate(
        "Array.from(document.querySelectorAll('#grid .tile')).map(t => t.dataset.clip)"
    )
    wanted = {
        c: 1 if campaign.golds.get(c, 32 if i % 3 else 47) == 47 else 0
        for i, c in enumerate(clip_ids)
    }
    for clip_id in clip_ids[:8]:  # the keyboard: y / n answer and move to the next clip
        await page.press("y" if wanted[clip_id] else "n")
    for index, clip_id in enumerate(clip_ids[8:], start=8):  # the mouse
        await page.click(f'.tile[data-index="{index}"] .{"yes" if wanted[clip_id] else "no"}')
    answered = await page.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('#grid .tile'))"
        ".map(t => [t.dataset.clip, t.dataset.answer]))"
    )
    assert answered == {c: "yes" if v else "no" for c, v in wanted.items()}
    assert await page.evaluate("document.getElementById('progress').textContent") == (
        "16 of 16 answered"
    )
    await page.screenshot(ARTIFACTS / "label-2-answered.png")

    await page.wait_for("!document.getElementById('submit-batch').disabled", timeout=8)
    await page.click("#submit-batch")
    await view(page, "result")
    assert await page.evaluate("document.getElementById('view-result').dataset.passed") == "true"
    figures = await page.evaluate("document.getElementById('result-figures').innerText")
    assert "12 of 12" in figures
    await page.screenshot(ARTIFACTS / "label-3-result.png")
    assert page.errors == []

    # what the page sent is what the store holds: 12 clips moved to "maybe" by one answer each
    clips = (await campaign.api.gql(CLIPS, c=campaign.id))["labellingClips"]["edges"]
    states = {e["node"]["id"]: e["node"]["labelState"] for e in clips}
    for clip_id in clip_ids:
        if clip_id not in campaign.golds:
            assert states[clip_id] == (5 if wanted[clip_id] else 4)

    # a phone-sized window, signed in again: no batch is left, and the page says why
    phone = await browser.new_page(390, 844)
    await phone.goto(f"{live_url}/label?campaign={campaign.id}")
    await sign_in(phone, "page-labeller")
    await view(phone, "empty")
    assert await phone.evaluate("document.getElementById('view-empty').dataset.reason") == (
        "NOT_ENOUGH_CLIPS"
    )
    await phone.screenshot(ARTIFACTS / "label-4-empty-phone.png")
    assert phone.errors == []

    # a token the server refuses (tampered, expired) sends the labeller back to sign in
    await phone.evaluate(
        f"sessionStorage.setItem('reelgraph.labelling.token.{campaign.id}', JSON.stringify("
        "{token: 'not.a.token', expiresAt: Date.now() + 60000, labeller: {clientId: 'x'}}))"
    )
    await phone.goto(f"{live_url}/label?campaign={campaign.id}")
    await view(phone, "login")
    await phone.wait_for("document.getElementById('error').textContent.includes('INVALID_TOKEN')")
    await phone.screenshot(ARTIFACTS / "label-5-refused-token-phone.png")


async def test_gallery_researcher_marks_a_gold(
    browser: Browser, live_url: str, campaign: Campaign
) -> None:
    api = campaign.api
    login = (await api.gql(LOGIN, c=campaign.id, id="page-researcher"))["labellingLogin"]
    await api.gql(SET_TYPE, id=login["labeller"]["id"], t="RESEARCHER")
    before = (await api.gql(GALLERY, c=campaign.id, k="GOLD_POSITIVE"))["labellingGallery"]
    assert before["totalCount"] == 3

    page = await browser.new_page(1280, 900)
    await page.goto(f"{live_url}/gallery?campaign={campaign.id}&kind=GOLD_POSITIVE")
    await sign_in(page, "page-researcher")
    await view(page, "gallery")
    await page.wait_for("document.querySelectorAll('#grid .tile').length === 3")
    await page.wait_for(PLAYING)
    assert await page.evaluate("!!document.getElementById('tab-BAD')")  # researchers' kinds
    await page.screenshot(ARTIFACTS / "gallery-1-golds.png")

    await page.click("#tab-MAYBE_POSITIVE")
    await page.wait_for("document.getElementById('kind-title').textContent === 'Maybe positive'")
    await page.wait_for("document.querySelectorAll('#grid .tile').length > 0")
    clip_id: str = await page.evaluate("document.querySelector('#grid .tile').dataset.clip")
    await page.evaluate(
        "(() => { const s = document.querySelector('#grid .tile select'); s.value = '47';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    await page.click("#grid .tile .apply")
    await page.wait_for("document.querySelector('#grid .tile .apply').textContent === 'Saved'")
    await page.screenshot(ARTIFACTS / "gallery-2-marked-gold.png")
    assert page.errors == []

    after = (await api.gql(GALLERY, c=campaign.id, k="GOLD_POSITIVE"))["labellingGallery"]
    assert after["totalCount"] == 4
    assert clip_id in {edge["node"]["id"] for edge in after["edges"]}
