"""``reelgraph demo``: the stack up, a sample video ingested and labelled, a query printed."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import httpx

from api.server import serve
from api.services.auth import create_api_key
from graph.runtime import close_state, open_state
from graph.settings import Settings

SESSION_QUERY = """
query Demo($id: ID!) {
  session(id: $id) {
    id name status durationMs fps frameCount width height hasAudio audioChannels sampleRate
    analyses { key state progress }
    labels(first: 10) { totalCount edges { node {
      id labelGroupId labelType category name startTime endTime tsStart tsEnd data videoBox
    } } }
  }
}
"""
ADD_LABELS = """
mutation Add($id: ID!, $labels: [LabelInput!]!) {
  addLabels(sessionId: $id, labels: $labels) { id labelGroupId }
}
"""


def synthesize_sample(path: Path) -> Path:
    """A 6-second 640x360 test pattern with a 440 Hz tone, made by ffmpeg (no licence needed)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=6",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


async def _graphql(client: httpx.AsyncClient, query: str, variables: dict[str, object]) -> dict:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL error: {body['errors']}")
    return dict(body["data"])


async def demo_steps(settings: Settings, once: bool) -> bool:
    """Everything the demo does against the running server; True asks the server to stop."""
    state = await open_state(settings, prepare=False)
    try:
        key, _ = await create_api_key(state.orgs, "demo", ["file", "system"], "reelgraph demo")
    finally:
        await close_state(state)
    sample = await asyncio.to_thread(synthesize_sample, settings.data_dir / "demo" / "sample.mp4")
    base = f"http://{settings.host}:{settings.port}"
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=120) as client:
        with sample.open("rb") as fh:
            upload = (
                await client.post("/api/v1/files?filename=sample.mp4", content=fh.read())
            ).json()
        created = await _graphql(
            client,
            'mutation($u: ID!) { createSession(input: {uploadId: $u, name: "demo"}) { id } }',
            {"u": upload["file_uuid"]},
        )
        session_id = created["createSession"]["id"]
        status = await _graphql(
            client,
            'query($s: ID!) { analysisStatus(sessionId: $s, track: ["ingest"], timeout: 60) '
            "{ status message } }",
            {"s": session_id},
        )
        first = await _graphql(
            client,
            ADD_LABELS,
            {
                "id": session_id,
                "labels": [
                    {
                        "labelType": "video-content",
                        "name": "intro",
                        "startTime": "0.5",
                        "endTime": "2.5",
                        "videoBox": [[0, 0, 320, 180]],
                        "data": {"analysis_keys": ["brightness"]},
                    },
                ],
            },
        )
        group = first["addLabels"][0]["labelGroupId"]
        await _graphql(
            client,
            ADD_LABELS,
            {
                "id": session_id,
                "labels": [
                    {
                        "labelType": "user",
                        "name": "tone",
                        "startTime": 1000,
                        "endTime": 5000,
                        "labelGroupId": group,
                    },
                    {
                        "labelType": "user",
                        "name": "outro",
                        "startTime": "4",
                        "endTime": "6",
                        "labelGroupId": group,
                    },
                ],
            },
        )
        result = await _graphql(client, SESSION_QUERY, {"id": session_id})
    print(json.dumps({"analysisStatus": status["analysisStatus"], **result}, indent=2))
    print(f"\nAPI key (org 'demo'): {key}")
    print(f"GraphQL playground: {base}/graphql  (add header X-API-Key: {key})")
    print(f"Video: {base}/api/v1/file/{session_id}/video")
    if not once:
        print("Serving until Ctrl-C.")
    return once


async def run_demo(settings: Settings, *, once: bool) -> None:
    async def after_start(running: Settings) -> bool:
        return await demo_steps(running, once)

    await serve(settings, after_start)
