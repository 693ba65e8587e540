"""Faces through the API: GraphQL documents, multipart createIdentity, reading the results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.client import ApiClient

# Small checkpoints so the 300-frame test video is detected in 5 chunks (resume is tested).
FACE_SETTINGS = {"face_trace_on_ingest": True, "face_stride": 3, "face_checkpoint_frames": 60}
STRIDE = FACE_SETTINGS["face_stride"]

TRACE_FIELDS = """
traceId startFrame endFrame faceCount
identity { id name } identitySimilarity stranger { strangerId }
representativeFace { frameNumber timestampSecs bbox { x y width height } confidence
                     qualityScore blurScore thumbnailUrl }
coOccursWith { other { traceId } firstFrame lastFrame totalFrames mutualGaze
               mutualGazeFirstFrame }
"""
SESSION_FACES = f"""
query($id: ID!) {{ session(id: $id) {{
  id status analyses {{ key state message }}
  faceTraces(first: 100) {{ totalCount edges {{ node {{ {TRACE_FIELDS} }} }} }}
  strangers {{ strangerId faceCount traces {{ traceId }} }}
  identities {{ identity {{ id name }} faceCount traces {{ traceId }} }}
}} }}
"""


async def create_identity(
    api: ApiClient, name: str, images: list[Path], source: str = "manual"
) -> dict[str, Any]:
    """createIdentity through a real GraphQL multipart request (the upload spec)."""
    query = (
        "mutation($input: IdentityInput!, $images: [Upload!]) { createIdentity(input: $input, "
        "images: $images) { id name source faceCount } }"
    )
    operations = {
        "query": query,
        "variables": {"input": {"name": name, "source": source}, "images": [None] * len(images)},
    }
    mapping = {str(i): [f"variables.images.{i}"] for i in range(len(images))}
    files = {str(i): (p.name, p.read_bytes(), "image/jpeg") for i, p in enumerate(images)}
    response = await api.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files=files,
        headers=api.headers,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def session_faces(api: ApiClient, session_id: str) -> dict[str, Any]:
    data = await api.gql(SESSION_FACES, id=session_id)
    return dict(data["session"])


def traces_of(session: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in session["faceTraces"]["edges"]]


def snapshot(session: dict[str, Any]) -> dict[str, Any]:
    """What a re-run must reproduce exactly: traces, edges, strangers and identities."""
    traces = traces_of(session)
    return {
        "traces": [(t["traceId"], t["startFrame"], t["endFrame"], t["faceCount"]) for t in traces],
        "edges": sorted(
            (
                t["traceId"],
                e["other"]["traceId"],
                e["firstFrame"],
                e["totalFrames"],
                e["mutualGaze"],
            )
            for t in traces
            for e in t["coOccursWith"]
        ),
        "strangers": [
            (s["strangerId"], s["faceCount"], [t["traceId"] for t in s["traces"]])
            for s in session["strangers"]
        ],
        "identities": sorted(
            (i["identity"]["name"], [t["traceId"] for t in i["traces"]])
            for i in session["identities"]
        ),
    }


def analysis(session: dict[str, Any], key: str) -> dict[str, Any]:
    found = [a for a in session["analyses"] if a["key"] == key]
    assert found, session["analyses"]
    return dict(found[0])


async def upload_session(api: ApiClient, path: Path) -> str:
    created = await api.create_session_from_file(path)
    return str(created["id"])
