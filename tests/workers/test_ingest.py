"""The ingest job on real media with a real arq worker: probe, keyframes, audio, errors."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path
from typing import Any

import pytest

from analysis.errors import MediaError
from graph.state import AppState
from tests.support.client import ApiClient
from tests.support.media import SAMPLE_FPS, SAMPLE_FRAMES, SAMPLE_GOP, MediaFactory
from workers.fetch import check_host


async def test_good_upload_is_ingested(
    api: ApiClient, ready_session: dict[str, Any], state: AppState
) -> None:
    session = ready_session
    assert session["status"] == "READY", session
    assert session["kind"] == "video"
    assert session["fps"] == pytest.approx(SAMPLE_FPS)
    assert session["frameCount"] == SAMPLE_FRAMES
    assert session["durationMs"] == pytest.approx(4000, abs=60)
    assert (session["width"], session["height"]) == (320, 240)
    assert session["hasAudio"] is True
    assert (session["audioChannels"], session["sampleRate"]) == (2, 48000)
    # ingest, then shot detection and the audio pass (their own jobs)
    assert sorted((a["key"], a["state"], a["progress"]) for a in session["analyses"]) == [
        ("audio-loudness-issue", "DONE", 1.0),
        ("audio-momentary-lufs", "DONE", 1.0),
        ("audio-volume", "DONE", 1.0),
        ("chunks", "DONE", 1.0),
        ("ingest", "DONE", 1.0),
    ]
    wav = state.settings.media_dir / session["id"] / "audio_16k_mono.wav"
    with wave.open(str(wav)) as fh:
        assert (fh.getframerate(), fh.getnchannels(), fh.getsampwidth()) == (16000, 1, 2)
        assert fh.getnframes() / 16000 == pytest.approx(4.0, abs=0.1)
    assert await state.keyframes.count(session["id"]) == SAMPLE_FRAMES // SAMPLE_GOP
    assert await state.keyframes.at_or_before(session["id"], 60) == (50, 2000.0)


async def test_bad_media_fails_cleanly_and_worker_keeps_going(
    api: ApiClient, media: MediaFactory, run_worker: Any
) -> None:
    truncated = await api.create_session_from_file(media.truncated_video())
    text = await api.create_session_from_file(media.text_file())
    good = await api.create_session_from_file(media.sample_video())
    await run_worker()
    truncated, text, good = [await api.session(s["id"]) for s in (truncated, text, good)]
    assert truncated["status"] == "ERROR"
    assert "moov atom not found" in truncated["error"]
    assert "/" not in truncated["error"], "server paths never reach clients"
    assert text["status"] == "ERROR"
    assert text["error"] == "not a media file: the content is text"
    assert text["analyses"][0]["state"] == "ERROR"
    assert text["analyses"][0]["message"] == text["error"]
    assert good["status"] == "READY"


async def test_ingest_from_url(
    api: ApiClient, media: MediaFactory, run_worker: Any, tmp_path: Path
) -> None:
    """A real HTTP server on loopback (private addresses are allowed in the test settings)."""
    body = media.sample_video().read_bytes()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + body
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        created = await api.gql(
            "mutation($u: String!) { createSession(input: {url: $u}) { id status name } }",
            u=f"http://127.0.0.1:{port}/clip.mp4",
        )
        assert created["createSession"]["status"] == "PENDING"
        await run_worker()
    session = await api.session(created["createSession"]["id"])
    assert session["status"] == "READY", session
    assert session["frameCount"] == SAMPLE_FRAMES


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://169.254.169.254/latest",
        "http://10.1.2.3/x",
        "file:///etc/passwd",
        "http://localhost:8080/",
    ],
)
async def test_url_fetch_refuses_private_and_non_http(url: str) -> None:
    with pytest.raises(MediaError):
        await check_host(url, allow_private=False)
