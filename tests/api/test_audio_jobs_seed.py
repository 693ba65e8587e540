"""The DeepTone documentation's own examples, run unchanged against a running reelgraph.

The curl commands and the Python ``http.client`` script below are the documentation's text;
only the host and port, the key, the audio URL or file and the job id are filled in (and
``gender`` stands in for ``emotions``, which has no offline model). The API runs in uvicorn on
a free port, a real worker polls the queue meanwhile, and the audio URL is a local server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.audio_jobs import file_server, speech_wav
from tests.support.client import ApiClient

pytestmark = pytest.mark.slow

DOCS_HOST = "https://api.oto.ai"
DOCS_AUDIO = "https://docs.oto.ai/api/audio/librispeech-84-121123-0001_female.wav"

CREATE_URL_JOB = """curl --request POST \\
--url 'https://api.oto.ai/file-processing/jobs?models=speech,arousal&output_period=1024&channel=0&include_summary=true&include_transitions=true&include_raw_values=true&volume_threshold=0.0' \\
--header 'content-type: application/json' \\
--header 'x-api-key: REPLACE_KEY_VALUE' \\
--data '{"url":"https://docs.oto.ai/api/audio/librispeech-84-121123-0001_female.wav"}'
"""  # noqa: E501
CREATE_FILE_JOB = """curl --request POST \\
--url 'https://api.oto.ai/file-processing/jobs?models=speech,arousal&output_period=4096&channel=0&include_summary=true&include_transitions=true&include_raw_values=true&volume_threshold=0.0' \\
--header 'content-type: audio/wav' \\
--header 'x-api-key: REPLACE_KEY_VALUE' \\
--data-binary @path/to/local/file.wav
"""  # noqa: E501
GET_RESULTS = """curl --request GET \\
--url https://api.oto.ai/file-processing/jobs/REPLACE_JOB_ID/results \\
--header 'x-api-key: REPLACE_KEY_VALUE'
"""

PY_HEAD = """import http.client
import time
import json
# REPLACE with your key
API_KEY = "REPLACE_ME_WITH_YOUR_API_KEY"
conn = http.client.HTTPSConnection("api.oto.ai")
"""
PY_URL_JOB = """# REPLACE with your URL
payload = '{"url":"https://docs.oto.ai/api/audio/audio_sample.wav"}'
post_headers = {
    'content-type': "application/json",
    'x-api-key': API_KEY
}
conn.request("POST", "/file-processing/jobs?models=emotions&output_period=512&include_summary=true&include_transitions=true&include_raw_values=true&volume_threshold=0.001", payload, post_headers)
res = conn.getresponse()
data = res.read()
job_id = json.loads(data)["id"]
"""  # noqa: E501
PY_FILE_JOB = """# REPLACE with your local wav file
local_audio_file = './sample_audio.wav'
with open(local_audio_file, 'rb') as f:
    data = f.read()
post_headers = {
    'content-type': "audio/wav",
    'x-api-key': API_KEY
}
conn.request("POST", "/file-processing/jobs?models=gender&output_period=4096&include_summary=true&include_transitions=true&include_raw_values=true&volume_threshold=0.001", data, post_headers)
res = conn.getresponse()
data = res.read()
job_id = json.loads(data)["id"]
"""  # noqa: E501
PY_POLL_AND_PRINT = """get_headers = { 'x-api-key': API_KEY }
state = "new"
result = {}
while not (state == "done" or state == "error"):
    time.sleep(1)
    conn.request("GET", f"/file-processing/jobs/{job_id}", headers=get_headers)
    res = conn.getresponse()
    data = res.read()
    result = json.loads(data)
    state = result["state"]
print("Job configuration:", result["config"])
print("Job state:", state)
if state == "error":
    print("There was an error: ", result["error_description"])
if state == "done":
    conn.request("GET", f"/file-processing/jobs/{job_id}/results", headers=get_headers)
    res = conn.getresponse()
    data = res.read()
    result = json.loads(data)["result"]
    print(result)
print("Time series:")
for ts_result in result["channels"]["0"]["time_series"]:
    ts = ts_result["timestamp"]
    res = ts_result["results"]["gender"]
    print(f'Timestamp: {ts}ms\\tresult: {res["result"]}\\t'
          f'confidence: {res["confidence"]}')
print("\\nRaw model outputs:")
for ts_result in result["channels"]["0"]["time_series"]:
    ts = ts_result["timestamp"]
    raw = ts_result["raw"]["gender"]
    print(f'Timestamp: {ts}ms\\traw results: male: '
          f'{raw["male"]}, female: {raw["female"]}')
summary = result["channels"]["0"]["summary"]["gender"]
male = summary["male_fraction"] * 100
female = summary["female_fraction"] * 100
no_speech = summary["no_speech_fraction"] * 100
unknown = summary["unknown_fraction"] * 100
silence = summary["silence_fraction"] * 100
print(f'\\nSummary: male: {male}%, female: {female}%, no_speech: {no_speech}%, unknown: {unknown}%, silence: {silence}%')
print("\\nTransitions:")
for ts_result in result["channels"]["0"]["transitions"]["gender"]:
    ts = ts_result["timestamp_start"]
    print(f'Timestamp: {ts}ms\\tresult: {ts_result["result"]}\\t'
          f'confidence: {ts_result["confidence"]}')
"""  # noqa: E501


@pytest.fixture
def base_url(live_url: str) -> str:
    return live_url


@contextlib.asynccontextmanager
async def worker_polling(run_worker: Any) -> AsyncIterator[None]:
    """A real worker taking jobs as they come (burst runs, one after the other)."""
    stop = asyncio.Event()

    async def poll() -> None:
        while not stop.is_set():
            await run_worker()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.2)

    task = asyncio.create_task(poll())
    try:
        yield
    finally:
        stop.set()
        await task


async def run(command: list[str], cwd: Path) -> str:
    proc = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, stderr.decode()
    return stdout.decode()


async def curl(script: str, cwd: Path, **fill: str) -> dict[str, Any]:
    for placeholder, value in fill.items():
        script = script.replace(placeholder, value)
    return dict(json.loads(await run(["bash", "-c", script], cwd)))


async def test_documented_curl_commands(
    api: ApiClient, base_url: str, run_worker: Any, tmp_path: Path
) -> None:
    speech_wav(tmp_path / "file.wav")
    (tmp_path / "path" / "to" / "local").mkdir(parents=True)
    (tmp_path / "file.wav").rename(tmp_path / "path" / "to" / "local" / "file.wav")
    fill = {DOCS_HOST: base_url, "REPLACE_KEY_VALUE": api.key}
    async with file_server() as server, worker_polling(run_worker):
        server.files["/female.wav"] = (tmp_path / "path/to/local/file.wav").read_bytes()
        url_job = await curl(
            CREATE_URL_JOB, tmp_path, **fill, **{DOCS_AUDIO: server.url("/female.wav")}
        )
        file_job = await curl(CREATE_FILE_JOB, tmp_path, **fill)
        results = {}
        for job in (url_job, file_job):
            for _ in range(600):
                state = await api.http.get(
                    f"/file-processing/jobs/{job['id']}", headers=api.headers
                )
                if state.json()["state"] in ("done", "error"):
                    break
                await asyncio.sleep(0.1)
            assert state.json()["state"] == "done", state.json()
            results[job["id"]] = await curl(GET_RESULTS, tmp_path, **fill, REPLACE_JOB_ID=job["id"])
    for (job_id, body), period in zip(results.items(), (1024, 4096), strict=True):
        assert body["job_id"] == job_id
        channel = body["result"]["channels"]["0"]
        assert set(channel) == {"time_series", "summary", "transitions"}
        assert set(channel["summary"]) == {"speech", "arousal"}
        assert channel["time_series"][1]["timestamp"] == period
        assert set(channel["time_series"][0]["raw"]["arousal"]) == {"high", "neutral", "low"}


@pytest.mark.parametrize("method", ["url", "file"])
async def test_documented_python_example(
    api: ApiClient, base_url: str, run_worker: Any, tmp_path: Path, method: str
) -> None:
    wav = speech_wav(tmp_path / "sample_audio.wav")
    host, port = base_url.removeprefix("http://").split(":")
    async with file_server() as server, worker_polling(run_worker):
        server.files["/audio_sample.wav"] = wav.read_bytes()
        submit = PY_URL_JOB if method == "url" else PY_FILE_JOB
        script = (PY_HEAD + submit + PY_POLL_AND_PRINT).replace(
            'http.client.HTTPSConnection("api.oto.ai")',
            f'http.client.HTTPConnection("{host}", {port})',
        )
        script = script.replace("REPLACE_ME_WITH_YOUR_API_KEY", api.key)
        script = script.replace(
            "https://docs.oto.ai/api/audio/audio_sample.wav", server.url("/audio_sample.wav")
        )
        script = script.replace("models=emotions", "models=gender")
        (tmp_path / "example.py").write_text(script)
        output = await run([sys.executable, "example.py"], tmp_path)
    assert "Job state: done" in output
    assert "Timestamp: 0ms\tresult: " in output
    assert "Summary: male: " in output and "\nTransitions:\n" in output
    period = "512" if method == "url" else "4096"
    assert f"Timestamp: {period}ms\tresult: " in output
