"""``/api/v1/audio/stream`` with a real websocket client and server: speech and silence
streamed as PCM come back one message per output step, its windows trailing it; bad requests
close with a reason."""

from __future__ import annotations

import asyncio
import json
from math import gcd
from typing import Any

import numpy as np
import pytest
import websockets
from scipy.signal import resample_poly

from tests.support.audio_material import SENTENCES, Composition, silence, speak
from tests.support.client import ApiClient

PERIOD_MS = 512
FRAME_SAMPLES = 1600  # 100 ms


@pytest.fixture
def stream_url(live_url: str) -> str:
    return live_url.replace("http://", "ws://", 1) + "/api/v1/audio/stream"


async def _refusal(url: str, headers: dict[str, str]) -> tuple[dict[str, Any], int, str]:
    """The error message and the close code and reason of a refused stream."""
    async with websockets.connect(url, additional_headers=headers) as ws:
        error = json.loads(await asyncio.wait_for(ws.recv(), 10))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    return error, closed.value.rcvd.code, closed.value.rcvd.reason


def _as_pcm(mono_16k: np.ndarray, rate: int, channels: int) -> bytes:
    """The recording as interleaved 16-bit PCM at ``rate``: the first channel carries it, the
    others a quieter copy (a stereo microphone)."""
    g = gcd(rate, 16_000)
    samples = resample_poly(mono_16k, rate // g, 16_000 // g)
    layout = np.stack([samples] + [samples * 0.5] * (channels - 1), axis=1)
    return np.clip(np.round(layout * 32767), -32768, 32767).astype("<i2").tobytes()


@pytest.mark.parametrize(("rate", "channels"), [(16_000, 1), (48_000, 2), (44_100, 1)])
async def test_speech_and_silence_stream_one_message_per_step(
    api: ApiClient, stream_url: str, rate: int, channels: int
) -> None:
    composition = (
        Composition()
        .add("silence", silence(1.5))
        .add("female", speak(SENTENCES[2], "en-us+f3"))
        .add("silence", silence(2.0))
    )
    pcm = _as_pcm(composition.samples, rate, channels)
    url = f"{stream_url}?models=speech,gender&output_period={PERIOD_MS}&include_raw_values=true"
    url += f"&sample_rate={rate}&channels={channels}"
    messages: list[dict[str, Any]] = []
    async with websockets.connect(url, additional_headers=api.headers) as ws:
        step = FRAME_SAMPLES * 2 + 1  # odd: a sample split across frames is put back together
        for start in range(0, len(pcm), step):
            await ws.send(pcm[start : start + step])
        await ws.send("end")
        with pytest.raises(websockets.ConnectionClosedOK):
            while True:
                messages.append(json.loads(await asyncio.wait_for(ws.recv(), 60)))
    # every period of the stream, the last one or two samples either way after resampling
    steps = len(composition.samples) // 1024
    timestamps = [m["timestamp"] for m in messages]
    assert timestamps == list(range(0, len(timestamps) * PERIOD_MS, PERIOD_MS))
    assert abs(len(timestamps) - len(range(0, steps * 64, PERIOD_MS))) <= 1
    for message in messages:
        assert set(message) == {"timestamp", "results", "raw"}
        assert set(message["results"]) == {"speech", "gender"}
        assert set(message["raw"]["speech"]) == {"speech", "music", "other"}
        assert 0.0 <= message["results"]["gender"]["confidence"] <= 1.0
    # windows trail: a step's result describes the audio its model's delay back
    truth = composition.step_truth()
    described = [(m, m["timestamp"] // 64) for m in messages]
    speech_right = [
        m["results"]["speech"]["result"] == ("silence" if truth[k - 8] == "silence" else "speech")
        for m, k in described
        if k >= 8
    ]
    assert np.mean(speech_right) >= 0.85, speech_right
    on_speech = [
        m["results"]["gender"]["result"] == "female"
        for m, k in described
        if k >= 24 and truth[k - 24] == "female"
    ]
    assert np.mean(on_speech) >= 0.85, on_speech


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("models=speech,loudness", "unknown model 'loudness'"),
        ("output_period=1024", "models is required"),
        ("models=speech&output_period=100", "multiple of 64"),
        ("models=speech&sample_rate=4000", "sample_rate must be 8000 to 192000 Hz"),
        ("models=speech&channels=9", "channels must be 1 to 8"),
        ("models=emotions", "emotions model is not available"),
    ],
)
async def test_bad_parameters_close_with_a_reason(
    api: ApiClient, stream_url: str, query: str, words: str
) -> None:
    error, code, reason = await _refusal(f"{stream_url}?{query}", api.headers)
    assert code == 4400
    assert words in error["error"]["message"] and error["error"]["code"]
    assert reason and reason in error["error"]["message"]


async def test_a_stream_needs_credentials(stream_url: str) -> None:
    _, code, reason = await _refusal(f"{stream_url}?models=speech", {})
    assert code == 4401 and "X-API-Key" in reason
    _, code, _ = await _refusal(f"{stream_url}?models=speech", {"X-API-Key": "rg_wrong"})
    assert code == 4401
