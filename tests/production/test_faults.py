"""Faults on the production shape: a worker SIGKILLed mid-job, Redis, PostgreSQL and Neo4j
restarted under load. Each job completes once, requests fail typed and bounded during an
outage, nothing written before a fault is lost, and nothing is restarted by hand."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import numpy as np
import pytest

from tests.production.jobs import (
    Reference,
    assert_no_duplicates,
    eventually,
    everything_written,
    store_counts,
    traced,
)
from tests.production.shape import Reelgraph, Shape
from tests.support.analyses import TIME_SERIES, analysis_view
from tests.support.audio_jobs import file_server
from tests.support.audio_material import (
    FEMALE_VOICES,
    MALE_VOICES,
    RATE,
    SENTENCES,
    silence,
    speak,
    write_wav,
)
from tests.support.client import ApiClient
from tests.support.face_api import snapshot, upload_session

# the production shape picks its graph store (Neo4j): not repeated on make test's Neo4j pass
pytestmark = [
    pytest.mark.stack,
    pytest.mark.slow,
    pytest.mark.graph_stores,
    pytest.mark.timeout(300),
]
# A request during an outage fails within this: PostgreSQL's 5 s connect timeout, the Neo4j
# driver's 5 s of retries, and a margin for two busy cores.
OUTAGE_ANSWER_S = 15.0
# Longer than a worker's poll interval, shorter than two thirds of the job lease (5 s): running
# jobs keep their lease through the restart.
REDIS_OUTAGE_S = 2.0
FREEZE_TAGS = {"analysis": "screen freezing"}
QUALITY = {"blockiness", "blurriness", "brightness", "colorfulness", "contrast"}
STATUS = """
query($s: ID!, $t: [String!], $w: Float) {
  analysisStatus(sessionId: $s, track: $t, timeout: $w) { status }
}
"""

AUDIO_QUERY = "models=speech,gender&output_period=1024&include_summary=true"
JOB_PROGRESS = "SELECT state, progress FROM audio_jobs WHERE id = $1"
AUDIO_JOB = """query($id: ID!) { audioJob(id: $id) {
  state errorDescription callbackAttempts { status error } } }"""


def freeze_request() -> dict[str, Any]:
    keys = ["brightness", "screen_freezing"]
    data = {"analysis_keys": keys}
    return {"labelType": "video-content", "startTime": 0, "endTime": 4000, "data": data}


def quality_request(end_ms: int) -> dict[str, Any]:
    """The quality series at every frame: seconds of work to kill a worker in."""
    data = {"analysis_keys": sorted(QUALITY), "parameters": {"sample_hz": 25}}
    return {"labelType": "video-content", "startTime": 0, "endTime": end_ms, "data": data}


async def fetch(shape: Shape, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(shape.postgres.url)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def points_of(shape: Shape, label_id: str) -> list[tuple[str, float, float]]:
    """A request's series points as PostgreSQL holds them (every row, duplicates included)."""
    rows = await fetch(
        shape,
        "SELECT key, t_ms, value FROM ts_points WHERE source_id = $1 ORDER BY key, t_ms",
        label_id,
    )
    return [(r["key"], r["t_ms"], r["value"]) for r in rows]


def results_of(view: dict[str, Any], request: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The result labels in ``request``'s group."""
    return sorted(
        (lab["labelType"], lab["startTime"], lab["endTime"])
        for lab in view["labels"]
        if lab["labelGroupId"] == request["labelGroupId"] and lab["id"] != request["id"]
    )


def assert_kept(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Every session and label written before the fault is still there, unchanged."""
    for session_id, session in before.items():
        assert session_id in after, f"session {session_id} lost"
        assert after[session_id]["name"] == session["name"]
        kept = {lab["id"]: lab for lab in after[session_id]["labels"]}
        for label in session["labels"]:
            assert kept.get(label["id"]) == label, f"label {label['id']} lost or changed"


def assert_retried_once(shape: Shape, job_prefix: str, victim: str) -> None:
    """The job completed exactly once, by another worker, as arq's second try of it."""
    [(finisher, job_id)] = shape.completions(job_prefix)
    assert finisher != victim, shape.logs()
    log = next(w for w in shape.workers if w.name == finisher).log()
    assert f"{job_id}:" in log and " try=2" in log, log[-4000:]


async def request_done(shape: Shape, api: ApiClient, request: dict[str, Any]) -> dict[str, Any]:
    """The session's analysis view once every run of ``request`` is DONE."""
    await eventually(
        lambda: fetch(shape, "SELECT state FROM analysis_runs WHERE source_id = $1", request["id"]),
        lambda rows: bool(rows) and all(r["state"] == "DONE" for r in rows),
        f"the runs of request {request['id']} done",
        120,
    )
    return await analysis_view(api, request["sessionId"])


async def running(shape: Shape, job_prefix: str) -> Reelgraph | None:
    return shape.running(job_prefix)


async def back_on_redis(worker: Reelgraph) -> None:
    async def log() -> str:
        return worker.log()

    await eventually(log, lambda text: "Redis is back" in text, f"{worker.name} on Redis", 15)


async def ingested(api: ApiClient, session_id: str) -> None:
    await eventually(
        lambda: api.session(session_id), lambda s: s["status"] == "READY", "ingest", 120
    )


async def kill_the_worker_running(shape: Shape, job_prefix: str) -> str:
    victim = await eventually(
        lambda: running(shape, job_prefix),
        lambda w: w is not None,
        f"a worker running {job_prefix}",
        60,
    )
    assert victim is not None
    victim.kill()
    shape.add_worker()  # compose's restart policy: the killed worker is replaced
    return victim.name


async def test_a_worker_killed_mid_face_trace_leaves_the_trace_to_the_other_once(
    api: ApiClient, shape: Shape, faces_reference: Reference, faces_video: Path
) -> None:
    before = await everything_written(api)
    session_id = await upload_session(api, faces_video)
    run = await eventually(
        lambda: fetch(shape, "SELECT * FROM face_trace_runs WHERE session_id = $1", session_id),
        lambda rows: bool(rows) and rows[0]["next_frame"] > 0 and not rows[0]["linked"],
        "a first face-trace checkpoint",
        120,
    )
    job = f"face_trace:{run[0]['run_id']}"
    victim = await kill_the_worker_running(shape, job)
    [halfway] = await fetch(
        shape, "SELECT * FROM face_trace_runs WHERE session_id = $1", session_id
    )
    assert 0 < halfway["next_frame"] < 300 and not halfway["linked"]  # killed mid-trace

    faces = await traced(api, session_id)
    assert snapshot(faces) == faces_reference.faces
    counts = await store_counts(shape, session_id)
    assert_no_duplicates(counts)
    assert counts["face_detections"] == faces_reference.detections
    assert_retried_once(shape, job, victim)
    assert_kept(before, await everything_written(api))


async def test_a_worker_killed_mid_video_analysis_leaves_it_to_the_other_once(
    api: ApiClient, shape: Shape, faces_reference: Reference
) -> None:
    session_id = faces_reference.session_id  # 12 s of 640x360, traced and idle
    [reference] = await api.add_labels(session_id, [quality_request(12_000)])
    view = await request_done(shape, api, reference)
    expected_points = await points_of(shape, reference["id"])
    assert len(expected_points) == len(QUALITY) * 300
    expected_results = results_of(view, reference)
    before = await everything_written(api)

    [request] = await api.add_labels(session_id, [quality_request(12_000)])
    await eventually(
        lambda: fetch(shape, "SELECT state FROM analysis_runs WHERE source_id = $1", request["id"]),
        lambda rows: bool(rows) and all(r["state"] == "RUNNING" for r in rows),
        "the request's analyses running",
        60,
    )
    job = f"video_quality:{request['id']}:"
    victim = await kill_the_worker_running(shape, job)
    assert await points_of(shape, request["id"]) == []  # killed before it wrote its results

    view = await request_done(shape, api, request)
    assert await points_of(shape, request["id"]) == expected_points
    assert results_of(view, request) == expected_results
    assert_no_duplicates(await store_counts(shape, session_id))
    assert_retried_once(shape, job, victim)
    assert_kept(before, await everything_written(api))


async def test_redis_restarted_under_queued_and_running_jobs(
    api: ApiClient, shape: Shape, freeze_clip: Path
) -> None:
    clips = [
        (await api.create_session_from_file(freeze_clip, tags=FREEZE_TAGS))["id"] for _ in range(2)
    ]
    for clip in clips:
        await ingested(api, clip)
    before = await everything_written(api)
    workers = {w.name: w.proc.pid for w in shape.workers if w.alive and w.proc}
    requests = [
        label for clip in clips for label in await api.add_labels(clip, [freeze_request()] * 6)
    ]
    # a client waiting for the results on pub/sub, subscribed before the restart
    waiting = asyncio.create_task(api.gql(STATUS, s=clips[-1], t=["brightness"], w=90.0))
    await eventually(
        lambda: subscribers(shape, clips[-1]), lambda n: n > 0, "the wait subscribed", 30
    )
    await eventually(
        lambda: running(shape, "video_quality:"),
        lambda w: w is not None,
        "a video analysis running",
        60,
    )
    with shape.redis.client() as client:
        queued = client.zcard("arq:queue")
    started = {w.name: len(w.started()) for w in shape.workers}
    shape.redis.stop()
    stopped = time.monotonic()
    try:
        assert_health_names(shape, "redis", "worker")  # no worker heartbeat can be read
        session_query = "query($id: ID!) { session(id: $id) { id } }"
        response = outage_answer(shape, api.key, session_query, id=clips[0])
        assert response.status_code == 503  # authentication reads Redis (key revocations)
        assert_unavailable(response, "redis")
        await asyncio.sleep(max(0.0, REDIS_OUTAGE_S - (time.monotonic() - stopped)))
    finally:
        shape.redis.start()

    assert queued > 0  # some jobs waited in the queue through the restart
    assert (await waiting)["analysisStatus"]["status"] == "done"
    for request in requests:
        view = await request_done(shape, api, request)
        assert len(await points_of(shape, request["id"])) == 50
        assert results_of(view, request) == [("screen-freezing-issue", 1600.0, 2400.0)]
    for clip in clips:
        assert_no_duplicates(await store_counts(shape, clip))
    # the same worker processes took jobs again once Redis was back, by themselves
    for worker in shape.workers:
        if worker.name in workers:
            assert worker.alive and worker.proc and worker.proc.pid == workers[worker.name]
            assert len(worker.started()) > started[worker.name], shape.logs()
    for worker in shape.workers:  # a worker that polled during the outage says it is over
        if "lost Redis" in worker.log():
            await back_on_redis(worker)
    shape.wait_healthy()
    assert_kept(before, await everything_written(api))


async def subscribers(shape: Shape, session_id: str) -> int:
    """Pub/sub subscribers of the session's event channel."""
    with shape.redis.client() as client:
        [(_, count)] = client.pubsub_numsub(f"reelgraph:session:{session_id}")
    return int(count)


def outage_answer(shape: Shape, key: str, query: str, **variables: Any) -> httpx.Response:
    """A GraphQL request during an outage, timed."""
    started = time.monotonic()
    response = httpx.post(
        f"{shape.api_url}/graphql",
        json={"query": query, "variables": variables},
        headers={"X-API-Key": key},
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert elapsed < OUTAGE_ANSWER_S, f"answered after {elapsed:.1f} s"
    return response


def assert_unavailable(response: httpx.Response, component: str) -> None:
    """A typed GraphQL error naming the component, without a traceback."""
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "STORE_UNAVAILABLE", "component": component}, error
    assert "Traceback" not in response.text and "File " not in response.text


def assert_health_names(shape: Shape, *components: str) -> None:
    response = shape.health()
    assert response.status_code == 503, response.text
    assert response.json()["unavailable"] == list(components), response.text


async def test_postgres_and_neo4j_restarted_while_the_api_serves(
    api: ApiClient, shape: Shape, freeze_clip: Path
) -> None:
    clip = (await api.create_session_from_file(freeze_clip, tags=FREEZE_TAGS))["id"]
    await ingested(api, clip)
    [first] = await api.add_labels(clip, [freeze_request()])
    await request_done(shape, api, first)
    series = await api.gql(TIME_SERIES, s=clip, k="brightness")
    before = await everything_written(api)
    processes = {
        p.name: p.proc.pid for p in [shape.api, *shape.workers] if p and p.alive and p.proc
    }

    shape.postgres.stop()
    try:
        assert_health_names(shape, "postgres")
        response = outage_answer(shape, api.key, TIME_SERIES, s=clip, k="brightness")
        assert response.status_code == 200  # a field error: the session itself was read
        assert_unavailable(response, "postgres")
    finally:
        shape.postgres.start()
    shape.wait_healthy()
    assert await api.gql(TIME_SERIES, s=clip, k="brightness") == series

    unseen_key = shape.create_api_key("production")  # not in the API's key cache yet
    session_query = "query($id: ID!) { session(id: $id) { id } }"

    def during_neo4j_outage() -> None:
        assert_health_names(shape, "graph")
        response = outage_answer(shape, api.key, session_query, id=clip)
        # a field error while the API still caches the key, else the key's own read fails
        assert response.status_code in (200, 503)
        assert_unavailable(response, "graph")
        response = outage_answer(shape, unseen_key, session_query, id=clip)
        assert response.status_code == 503  # the key itself could not be read
        assert_unavailable(response, "graph")

    shape.restart_neo4j(during_neo4j_outage)
    shape.wait_healthy()
    assert await api.gql(TIME_SERIES, s=clip, k="brightness") == series
    # the workers found both servers again too: a new request runs to the end
    [again] = await api.add_labels(clip, [freeze_request()])
    view = await request_done(shape, api, again)
    assert results_of(view, again) == [("screen-freezing-issue", 1600.0, 2400.0)]
    alive = {p.name: p.proc.pid for p in [shape.api, *shape.workers] if p and p.alive and p.proc}
    assert alive == processes  # nobody was restarted
    assert_kept(before, await everything_written(api))
    assert shape.api is not None and "Traceback" not in shape.api.log()
    assert_no_secrets_logged(shape)


def assert_no_secrets_logged(shape: Shape) -> None:
    """No process or server wrote a password or the JWT secret to its log, outages included."""
    assert shape.neo4j is not None
    secrets = [shape.postgres.password, shape.neo4j.password, shape.jwt_secret]
    logs = [p.log_path for p in [shape.api, *shape.workers] if p is not None]
    logs += [shape.root / "postgres.log", shape.root / "redis.log", shape.neo4j.log_path]
    for path in logs:
        text = path.read_text(errors="replace")
        assert not [s for s in secrets if s in text], f"a secret in {path}"


def long_speech_wav(path: Path) -> Path:
    """Four channels of 100 s of espeak-ng sentences between 1 s silences (12.8 MB, under the
    15 MiB upload limit): each channel is one process-pool call of about 1.5 s on two cores,
    and the job's progress moves after each, so a kill can land between two of them."""
    voices = (FEMALE_VOICES[0], MALE_VOICES[0])
    pieces = [np.concatenate([speak(s, v), silence(1.0)]) for s in SENTENCES for v in voices]
    channels = []
    for first in range(4):
        take = itertools.islice(itertools.cycle(pieces), first, None)
        channel = np.zeros(0, np.float32)
        while len(channel) < 100 * RATE:
            channel = np.concatenate([channel, next(take)])
        channels.append(channel)
    return write_wav(path, channels)


async def audio_job_done(api: ApiClient, job_id: str) -> dict[str, Any]:
    """The job once it is done and its callback attempt is recorded."""
    data = await eventually(
        lambda: api.gql(AUDIO_JOB, id=job_id),
        lambda d: (
            d["audioJob"]["state"] == "ERROR"
            or (d["audioJob"]["state"] == "DONE" and bool(d["audioJob"]["callbackAttempts"]))
        ),
        f"audio job {job_id} done and called back",
        90,
    )
    return dict(data["audioJob"])


async def audio_result(api: ApiClient, job_id: str) -> dict[str, Any]:
    response = await api.http.get(f"/file-processing/jobs/{job_id}/results", headers=api.headers)
    assert response.status_code == 200, response.text
    result = dict(response.json()["result"])
    assert sorted(result["channels"]) == ["0", "1", "2", "3"], list(result["channels"])
    for channel in result["channels"].values():
        assert set(channel) == {"time_series", "summary"}
        assert set(channel["summary"]) == {"speech", "gender"}, channel["summary"]
    return result


async def test_a_worker_killed_mid_audio_job_leaves_it_to_the_other_once(
    api: ApiClient, shape: Shape, media_dir: Path
) -> None:
    wav = long_speech_wav(media_dir / "long-speech.wav")
    async with file_server() as hooks:
        hooks.files["/hook"] = b"ok"
        query = f"{AUDIO_QUERY}&callback={hooks.url('/hook')}"

        async def create() -> str:
            created = await api.http.post(
                f"/file-processing/jobs?{query}",
                content=wav.read_bytes(),
                headers={**api.headers, "content-type": "audio/wav"},
            )
            assert created.status_code == 200, created.text
            return str(created.json()["id"])

        reference_id = await create()  # the same file without a fault
        reference = await audio_job_done(api, reference_id)
        assert reference["state"] == "DONE", (reference, shape.logs())
        expected = await audio_result(api, reference_id)

        job_id = await create()
        await eventually(
            lambda: fetch(shape, JOB_PROGRESS, job_id),
            lambda rows: rows[0]["state"] == "processing" and rows[0]["progress"] > 0,
            "the job past its first channel",
            60,
        )
        victim = await kill_the_worker_running(shape, f"audio-job:{job_id}")
        [halfway] = await fetch(shape, JOB_PROGRESS, job_id)
        assert halfway["state"] == "processing" and halfway["progress"] < 0.95  # killed mid-job

        job = await audio_job_done(api, job_id)
        assert job["state"] == "DONE", job
        assert await audio_result(api, job_id) == expected
        assert_retried_once(shape, f"audio-job:{job_id}", victim)
        assert job["callbackAttempts"] == [{"status": 200, "error": None}]
        # one POST per completion, each naming its own
        keys = [headers.get("idempotency-key") for _, headers in hooks.requests]
        assert hooks.methods == ["POST", "POST"], hooks.requests
        assert keys == [f"{reference_id}:done", f"{job_id}:done"], keys
