"""Subscriptions over graphql-transport-ws with a real websocket client and a real server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets

from tests.support.client import ApiClient
from tests.support.media import MediaFactory

PROTOCOL = "graphql-transport-ws"


@pytest.fixture
def ws_url(live_url: str) -> str:
    return live_url.replace("http://", "ws://", 1) + "/graphql"


async def subscribe(ws: Any, key: str, query: str, **variables: Any) -> None:
    await ws.send(json.dumps({"type": "connection_init", "payload": {"X-API-Key": key}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(
        json.dumps(
            {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )
    )
    await asyncio.sleep(0.3)  # let the server subscribe to the channel before events flow


async def next_payload(ws: Any) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] == "next", message
    return dict(message["payload"]["data"])


async def test_analysis_events_and_labels_added(
    api: ApiClient, media: MediaFactory, run_worker: Any, ws_url: str
) -> None:
    session = await api.create_session_from_file(media.sample_video())
    sid = session["id"]
    async with websockets.connect(ws_url, subprotocols=[PROTOCOL]) as ws:
        await subscribe(
            ws,
            api.key,
            """subscription($s: ID!) {
          analysisEvents(sessionId: $s, track: ["ingest"]) { sessionId key state progress } }""",
            s=sid,
        )
        await run_worker()
        events = []
        while not events or events[-1]["state"] != "DONE":
            events.append((await next_payload(ws))["analysisEvents"])
    assert events[0]["state"] == "RUNNING" and events[0]["progress"] == 0.0
    assert all(e["sessionId"] == sid and e["key"] == "ingest" for e in events)
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress) and progress[-1] == 1.0

    async with websockets.connect(ws_url, subprotocols=[PROTOCOL]) as ws:
        await subscribe(
            ws,
            api.key,
            """subscription($s: ID!) {
          labelsAdded(sessionId: $s) { id name labelType startTime } }""",
            s=sid,
        )
        added = await api.add_labels(
            sid,
            [
                {"labelType": "user", "name": "a", "startTime": 0, "endTime": 5},
                {"labelType": "user", "name": "b", "startTime": "1", "endTime": "2"},
            ],
        )
        received = [(await next_payload(ws))["labelsAdded"] for _ in added]
    assert [r["id"] for r in received] == [a["id"] for a in added]
    assert received[1] == {
        "id": added[1]["id"],
        "name": "b",
        "labelType": "user",
        "startTime": 1000,
    }


async def test_socket_without_valid_key_is_rejected(api: ApiClient, ws_url: str) -> None:
    async with websockets.connect(ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"X-API-Key": "bad"}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
