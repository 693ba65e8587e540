"""Audio file processing jobs end to end: REST and GraphQL against the stack, a real worker,
real espeak-ng speech; URL jobs from a local file server."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import websockets

from graph.request_signing import REQUEST_VERIFICATION_HEADER
from graph.state import AppState
from tests.support.audio_emotions_onnx import build_model
from tests.support.audio_jobs import file_server, speech_wav
from tests.support.client import ApiClient
from workers.audio_job import audio_job

pytestmark = pytest.mark.slow
JOBS = "/file-processing/jobs"
ALL_OPTIONS = "include_summary=true&include_transitions=true&include_raw_values=true"
JOB_FIELDS = """id state config errorDescription createdAt finishedAt progress
callbackAttempts { at status error }"""


async def post_audio(api: ApiClient, path: Path, query: str, **headers: str) -> httpx.Response:
    return await api.http.post(
        f"{JOBS}?{query}",
        content=path.read_bytes(),
        headers={**api.headers, "content-type": "audio/wav", **headers},
    )


async def job_state(api: ApiClient, job_id: str) -> dict[str, Any]:
    response = await api.http.get(f"{JOBS}/{job_id}", headers=api.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_upload_job_over_rest(api: ApiClient, run_worker: Any, tmp_path: Path) -> None:
    wav = speech_wav(tmp_path / "speech.wav")
    created = await post_audio(api, wav, f"models=speech,gender&output_period=1024&{ALL_OPTIONS}")
    assert created.status_code == 200, created.text
    job_id = created.json()["id"]
    assert set(created.json()) == {"id"}

    queued = await job_state(api, job_id)
    assert queued == {
        "id": job_id,
        "state": "new",
        "config": {
            "models": ["speech", "gender"],
            "output_period": 1024,
            "channel": None,
            "include_summary": True,
            "include_transitions": True,
            "include_raw_values": True,
            "volume_threshold": 0.001,
            "callback": None,
        },
        "error_description": None,
    }
    not_yet = await api.http.get(f"{JOBS}/{job_id}/results", headers=api.headers)
    assert not_yet.status_code == 409 and not_yet.json()["error"]["code"] == "AUDIO_JOB_NOT_DONE"

    await run_worker()
    assert (await job_state(api, job_id))["state"] == "done"
    response = await api.http.get(f"{JOBS}/{job_id}/results", headers=api.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["job_id"] == job_id and list(body["result"]["channels"]) == ["0"]
    channel = body["result"]["channels"]["0"]
    assert set(channel) == {"time_series", "summary", "transitions"}
    series = channel["time_series"]
    assert [e["timestamp"] for e in series[:3]] == [0, 1024, 2048]
    assert set(series[0]["results"]) == {"speech", "gender"}
    assert set(series[0]["raw"]["gender"]) == {"male", "female"}
    assert set(channel["summary"]["gender"]) == {
        "male_fraction",
        "female_fraction",
        "unknown_fraction",
        "no_speech_fraction",
        "silence_fraction",
    }
    speech_steps = [e["results"]["speech"]["result"] for e in series]
    assert "speech" in speech_steps
    gender = channel["summary"]["gender"]
    assert gender["female_fraction"] > max(0.3, gender["male_fraction"]), gender
    runs = channel["transitions"]["speech"]
    assert runs[0]["timestamp_start"] == 0
    assert all(a["timestamp_end"] == b["timestamp_start"] for a, b in itertools.pairwise(runs))


async def test_url_job_over_rest_sends_signed_download(
    api: ApiClient, run_worker: Any, tmp_path: Path
) -> None:
    wav = speech_wav(tmp_path / "stereo.wav", stereo=True)
    async with file_server() as server:
        server.files["/audio/stereo.wav"] = wav.read_bytes()
        created = await api.http.post(
            f"{JOBS}?models=speech,gender&output_period=512&include_summary=true",
            json={"url": server.url("/audio/stereo.wav")},
            headers=api.headers,
        )
        assert created.status_code == 200, created.text
        await run_worker()
    job_id = created.json()["id"]
    assert (await job_state(api, job_id))["state"] == "done"
    result = (await api.http.get(f"{JOBS}/{job_id}/results", headers=api.headers)).json()
    channels = result["result"]["channels"]
    assert sorted(channels) == ["0", "1"]
    assert channels["1"]["time_series"][1]["timestamp"] == 512
    assert "transitions" not in channels["0"] and "summary" in channels["0"]
    left, right = (channels[c]["summary"]["gender"] for c in ("0", "1"))
    assert left["female_fraction"] > left["male_fraction"]  # a female voice on the left
    assert right["male_fraction"] > right["female_fraction"]  # a male one on the right
    path, headers = server.requests[0]
    assert path == "/audio/stereo.wav"
    token = headers[REQUEST_VERIFICATION_HEADER.lower()]
    jwks = (await api.http.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid))
    claims = jwt.decode(token, key.key, algorithms=["ES512"])
    assert claims["job_id"] == job_id and claims["organization_id"] == api.org_id
    assert claims["url"] == server.url("/audio/stereo.wav")


async def test_callback_is_sent_once_and_recorded(
    api: ApiClient, run_worker: Any, tmp_path: Path
) -> None:
    async with file_server() as server:
        server.files["/hook"] = b"ok"
        created = await post_audio(
            api, speech_wav(tmp_path / "s.wav"), f"models=speech&callback={server.url('/hook')}"
        )
        await run_worker()
    job_id = created.json()["id"]
    assert server.methods == ["POST"] and server.requests[0][0] == "/hook"
    data = await api.gql(
        "query($id: ID!) { audioJob(id: $id) { state callbackAttempts { status error } } }",
        id=job_id,
    )
    assert data["audioJob"] == {
        "state": "DONE",
        "callbackAttempts": [{"status": 200, "error": None}],
    }


async def test_emotions_with_an_operator_model(
    api: ApiClient, state: AppState, run_worker: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    model = build_model(tmp_path / "emotions.onnx")
    monkeypatch.setattr(state, "settings", state.settings.with_overrides(emotions_model=model))
    created = await post_audio(
        api, speech_wav(tmp_path / "s.wav"), "models=emotions&output_period=64&include_raw_values=1"
    )
    assert created.status_code == 200, created.text
    await run_worker()
    job_id = created.json()["id"]
    result = (await api.http.get(f"{JOBS}/{job_id}/results", headers=api.headers)).json()
    series = result["result"]["channels"]["0"]["time_series"]
    results = {e["results"]["emotions"]["result"] for e in series}
    assert results <= {"happy", "irritated", "neutral", "tired", "no_speech", "silence"}
    assert results & {"happy", "irritated", "neutral", "tired"}
    raw = series[len(series) // 2]["raw"]["emotions"]
    assert set(raw) == {"happy", "irritated", "neutral", "tired"}
    assert abs(sum(raw.values()) - 1.0) < 0.01


async def test_rerun_after_a_dead_worker_finishes_once(
    api: ApiClient, state: AppState, run_worker: Any, tmp_path: Path
) -> None:
    created = await post_audio(api, speech_wav(tmp_path / "s.wav"), "models=speech")
    job_id = created.json()["id"]
    assert await state.audio_jobs.start(job_id)  # a run that died midway left it processing
    assert (await job_state(api, job_id))["state"] == "processing"
    await run_worker()
    assert (await job_state(api, job_id))["state"] == "done"
    again = await audio_job({"state": state, "pool_executor": None}, job_id=job_id)
    assert again == "already done"
    result = await api.http.get(f"{JOBS}/{job_id}/results", headers=api.headers)
    assert result.status_code == 200


async def test_url_job_errors_are_recorded_on_the_job(
    api: ApiClient, state: AppState, run_worker: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    wav = speech_wav(tmp_path / "speech.wav")
    async with file_server() as server:
        server.files["/a.wav"] = wav.read_bytes()
        server.files["/noise.wav"] = b"RIFF not really a wav file" * 10
        ids = {}
        for name, url in (
            ("missing", server.url("/missing.wav")),
            ("garbage", server.url("/noise.wav")),
            ("long", server.url("/a.wav")),
            ("metadata", "http://169.254.169.254/latest/meta-data/"),
        ):
            response = await api.http.post(
                f"{JOBS}?models=speech", json={"url": url}, headers=api.headers
            )
            assert response.status_code == 200, response.text
            ids[name] = response.json()["id"]
        # 1 s combined over the channels: the 5 s file is too long
        monkeypatch.setattr(state, "settings", state.settings.with_overrides(audio_url_max_s=1.0))
        await run_worker()
    errors = {name: await job_state(api, job_id) for name, job_id in ids.items()}
    assert all(e["state"] == "error" for e in errors.values()), errors
    assert "HTTP 404" in errors["missing"]["error_description"]
    assert errors["garbage"]["error_description"]
    assert "internal" not in errors["garbage"]["error_description"]
    assert "limited to 1 s combined" in errors["long"]["error_description"]
    assert "refusing to fetch" in errors["metadata"]["error_description"]


async def test_result_over_the_limit_names_the_remedies(
    api: ApiClient, state: AppState, run_worker: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    created = await post_audio(
        api, speech_wav(tmp_path / "s.wav"), "models=speech&output_period=64"
    )
    monkeypatch.setattr(
        state, "settings", state.settings.with_overrides(audio_result_max_bytes=1000)
    )
    await run_worker()
    job = await job_state(api, created.json()["id"])
    assert job["state"] == "error"
    assert "output_period" in job["error_description"]
    assert "separate processing jobs for each model" in job["error_description"]


@pytest.mark.parametrize(
    ("query", "content_type", "status", "code", "says"),
    [
        ("models=speech,pitch", "audio/wav", 400, "INVALID_PARAMETER", "unknown model 'pitch'"),
        ("output_period=1024", "audio/wav", 400, "INVALID_PARAMETER", "models is required"),
        ("models=speech&output_period=100", "audio/wav", 400, "INVALID_PARAMETER", "multiple"),
        ("models=speech&output_period=abc", "audio/wav", 400, "INVALID_PARAMETER", "integer"),
        ("models=speech&channel=2", "audio/wav", 400, "INVALID_PARAMETER", "channel 2"),
        ("models=speech&volume_threshold=2", "audio/wav", 400, "INVALID_PARAMETER", "between"),
        ("models=speech&include_summary=maybe", "audio/wav", 400, "INVALID_PARAMETER", "true"),
        ("models=speech", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE", "audio/wav"),
        ("models=emotions", "audio/wav", 503, "MODEL_UNAVAILABLE", "REELGRAPH_EMOTIONS_MODEL"),
    ],
)
async def test_rest_parameter_errors(
    api: ApiClient,
    tmp_path: Path,
    query: str,
    content_type: str,
    status: int,
    code: str,
    says: str,
) -> None:
    wav = speech_wav(tmp_path / "s.wav")
    response = await post_audio(api, wav, query, **{"content-type": content_type})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and says in error["message"], error


async def test_rest_body_and_lookup_errors(
    api: ApiClient, other_api: ApiClient, state: AppState, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"this is not audio at all" * 100)
    response = await post_audio(api, garbage, "models=speech")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "UNSUPPORTED_FORMAT"

    limit = state.settings.audio_upload_max_bytes
    big = await api.http.post(
        f"{JOBS}?models=speech",
        content=b"\0" * (limit + 1),
        headers={**api.headers, "content-type": "audio/wav"},
    )
    assert big.status_code == 413 and big.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"

    no_url = await api.http.post(f"{JOBS}?models=speech", json={"uri": "x"}, headers=api.headers)
    assert no_url.status_code == 400 and '"url"' in no_url.json()["error"]["message"]

    unknown = await api.http.get(f"{JOBS}/{'0' * 32}", headers=api.headers)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "AUDIO_JOB_NOT_FOUND"

    created = await post_audio(api, speech_wav(tmp_path / "s.wav"), "models=speech")
    job_id = created.json()["id"]
    for path in (f"{JOBS}/{job_id}", f"{JOBS}/{job_id}/results"):
        other = await other_api.http.get(path, headers=other_api.headers)
        assert other.status_code == 404 and other.json()["error"]["code"] == "AUDIO_JOB_NOT_FOUND"
    anonymous = await api.http.get(f"{JOBS}/{job_id}")
    assert anonymous.status_code == 401


async def test_graphql_create_get_list_and_cancel(
    api: ApiClient, run_worker: Any, tmp_path: Path
) -> None:
    upload_id = await api.upload(speech_wav(tmp_path / "s.wav"))
    create = f"""mutation($input: AudioJobInput!) {{ createAudioJob(input: $input)
      {{ {JOB_FIELDS} }} }}"""
    jobs = [
        (await api.gql(create, input={"uploadId": upload_id, "models": ["speech"]}))[
            "createAudioJob"
        ]
        for _ in range(3)
    ]
    assert jobs[0]["state"] == "NEW" and jobs[0]["config"]["output_period"] == 1024
    cancelled = await api.gql(
        f"mutation($id: ID!) {{ cancelAudioJob(id: $id) {{ {JOB_FIELDS} }} }}", id=jobs[2]["id"]
    )
    assert cancelled["cancelAudioJob"]["state"] == "ERROR"
    assert "cancelled" in cancelled["cancelAudioJob"]["errorDescription"]

    page = await api.gql(
        "{ audioJobs(first: 2) { totalCount pageInfo { hasNextPage endCursor }"
        " edges { node { id } } } }"
    )
    listed = page["audioJobs"]
    assert listed["totalCount"] == 3 and listed["pageInfo"]["hasNextPage"] is True
    rest = await api.gql(
        "query($after: String) { audioJobs(first: 2, after: $after) { edges { node { id } } } }",
        after=listed["pageInfo"]["endCursor"],
    )
    seen = [e["node"]["id"] for e in listed["edges"] + rest["audioJobs"]["edges"]]
    assert sorted(seen) == sorted(j["id"] for j in jobs)

    await run_worker()
    done = await api.gql(
        f"query($id: ID!) {{ audioJob(id: $id) {{ {JOB_FIELDS} result }} }}", id=jobs[0]["id"]
    )
    job = done["audioJob"]
    assert job["state"] == "DONE" and job["progress"] == 1.0 and job["finishedAt"]
    assert "time_series" in job["result"]["channels"]["0"]
    still = await api.gql(
        "query($id: ID!) { audioJob(id: $id) { state result } }", id=jobs[2]["id"]
    )
    assert still["audioJob"] == {"state": "ERROR", "result": None}


async def test_graphql_errors(api: ApiClient, other_api: ApiClient, tmp_path: Path) -> None:
    create = "mutation($input: AudioJobInput!) { createAudioJob(input: $input) { id } }"
    unavailable = await api.gql_error(
        create, input={"url": "http://example.com/a.wav", "models": ["emotions"]}
    )
    assert unavailable["extensions"]["code"] == "MODEL_UNAVAILABLE"
    assert "REELGRAPH_EMOTIONS_MODEL" in unavailable["message"]
    both = await api.gql_error(
        create, input={"url": "http://example.com/a.wav", "uploadId": "x", "models": ["speech"]}
    )
    assert both["extensions"]["code"] == "INVALID_SOURCE"
    period = await api.gql_error(
        create, input={"url": "http://example.com/a.wav", "models": ["speech"], "outputPeriod": 65}
    )
    assert period["extensions"]["code"] == "INVALID_PARAMETER"
    upload_id = await api.upload(speech_wav(tmp_path / "s.wav"))
    channel = await api.gql_error(
        create, input={"uploadId": upload_id, "models": ["speech"], "channel": 1}
    )
    assert channel["extensions"]["code"] == "INVALID_PARAMETER"
    job = await api.gql(create, input={"uploadId": upload_id, "models": ["speech"]})
    other = await other_api.gql(
        "query($id: ID!) { audioJob(id: $id) { id } }", id=job["createAudioJob"]["id"]
    )
    assert other["audioJob"] is None
    cancel = await other_api.gql_error(
        "mutation($id: ID!) { cancelAudioJob(id: $id) { id } }", id=job["createAudioJob"]["id"]
    )
    assert cancel["extensions"]["code"] == "AUDIO_JOB_NOT_FOUND"


async def test_session_job_writes_labels(api: ApiClient, run_worker: Any, tmp_path: Path) -> None:
    session = await api.create_session_from_file(speech_wav(tmp_path / "s.wav", stereo=True))
    await run_worker()
    created = await api.gql(
        "mutation($input: AudioJobInput!) { createAudioJob(input: $input) { id } }",
        input={"sessionId": session["id"], "models": ["speech", "gender"], "channel": 0},
    )
    job_id = created["createAudioJob"]["id"]
    await run_worker()
    job = await api.gql(
        "query($id: ID!) { audioJob(id: $id) { state errorDescription } }", id=job_id
    )
    assert job["audioJob"] == {"state": "DONE", "errorDescription": None}
    data = await api.gql(
        """query($id: ID!) { session(id: $id) { labels(first: 100) { edges { node {
          labelType name labelGroupId startTime endTime data } } } } }""",
        id=session["id"],
    )
    labels = [e["node"] for e in data["session"]["labels"]["edges"]]
    types = {label["labelType"] for label in labels}
    assert types == {"speech-class", "gender-class"}
    assert len({label["labelGroupId"] for label in labels}) == 1
    assert "speech" in {label["name"] for label in labels if label["labelType"] == "speech-class"}
    assert all(label["data"]["audio_job_id"] == job_id for label in labels)
    assert all(label["data"]["channel"] == "0" for label in labels)


@pytest.fixture
def ws_url(live_url: str) -> str:
    return live_url.replace("http://", "ws://", 1) + "/graphql"


async def test_subscription_streams_every_step(
    api: ApiClient, run_worker: Any, tmp_path: Path, ws_url: str
) -> None:
    created = await post_audio(
        api, speech_wav(tmp_path / "s.wav"), "models=speech&output_period=64"
    )
    job_id = created.json()["id"]
    steps: list[dict[str, Any]] = []
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"X-API-Key": api.key}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = """subscription($id: ID!) { audioJobSteps(jobId: $id) {
          jobId channel timestamp results raw } }"""
        payload = {"query": query, "variables": {"id": job_id}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        await asyncio.sleep(0.3)
        await run_worker()
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message["type"] == "complete":
                break
            assert message["type"] == "next", message
            steps.append(message["payload"]["data"]["audioJobSteps"])
    result = (await api.http.get(f"{JOBS}/{job_id}/results", headers=api.headers)).json()
    series = result["result"]["channels"]["0"]["time_series"]
    assert len(steps) == len(series) > 50
    assert [s["timestamp"] for s in steps] == [e["timestamp"] for e in series]
    assert all(s["jobId"] == job_id and s["channel"] == "0" for s in steps)
    assert [s["results"] for s in steps] == [e["results"] for e in series]
    assert set(steps[0]["raw"]["speech"]) == {"speech", "music", "other"}
