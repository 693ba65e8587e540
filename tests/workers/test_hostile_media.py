"""Hostile media through every upload path: playlists, lists, manifests, bombs, polyglots.

Each member of ``tests/hostile_corpus`` is uploaded raw (under its own name, as ``x.mp4`` and
with no name), as multipart, and fetched from a URL. Its playlists point at two canaries:

- another org's cached clip (``DATA_DIR/cache/<session>/clip-0.ts``), magenta frames that must
  never show up in any session; and
- a FIFO named like a segment: opening it for reading blocks until a writer comes, and a
  watcher thread is that writer, so any process that opens it is caught (no race).

Every upload must end as a typed error or an ``ERROR`` session, the worker must stay up, and
neither canary may ever be opened.
"""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from analysis.errors import MediaError
from analysis.media.frames import open_video
from analysis.media.probe import probe
from graph.state import AppState
from tests.support.client import SESSION_FIELDS, ApiClient
from tests.support.face_api import create_identity
from tests.support.media import MediaFactory, ffmpeg

CORPUS = Path(__file__).resolve().parent.parent / "hostile_corpus"
INDIRECTION = [
    "playlist.m3u8",
    "playlist-bom-crlf-file-url.m3u8",
    "playlist-relative-other-org.m3u8",
    "playlist-master.m3u8",
    "playlist-lowercase.m3u",
    "concat.ffconcat",
    "concat-plain.txt",
    "manifest.mpd",
    "session.sdp",
    "polyglot-playlist-mp4.bin",
]
OTHER_MEMBERS = ["still.jpg", "still.png", "pixel-bomb.png", "pixel-bomb.mkv", "truncated.mp4"]
MAGENTA_BGR = (255, 0, 255)


class FifoCanary:
    """A FIFO whose every opening for reading is seen: a writer thread keeps knocking."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.opened = 0
        self._stop = threading.Event()
        os.mkfifo(path, 0o666)
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: nobody has it open for reading
                    raise
                self._stop.wait(0.005)
                continue
            self.opened += 1
            os.close(fd)  # the reader gets end-of-file and goes on

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@pytest.fixture
def fifo_canary(tmp_path: Path) -> Iterator[FifoCanary]:
    canary = FifoCanary(tmp_path / "canary-fifo.ts")
    try:
        yield canary
    finally:
        canary.close()


def _magenta_clip(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg(
        *["-f", "lavfi", "-i", "color=c=magenta:s=160x120:r=10:d=2"],
        *["-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mpegts", str(target)],
    )
    return target


def _member(name: str, canary: Path, other_session: str) -> bytes:
    data = (CORPUS / name).read_bytes()
    return data.replace(b"@CANARY@", str(canary).encode()).replace(
        b"@OTHER@", other_session.encode()
    )


async def _upload_raw(api: ApiClient, data: bytes, filename: str | None) -> str:
    query = f"?filename={filename}" if filename else ""
    response = await api.http.post(f"/api/v1/files{query}", content=data, headers=api.headers)
    assert response.status_code == 200, response.text
    return str(response.json()["file_uuid"])


async def _upload_multipart(api: ApiClient, data: bytes, filename: str) -> str:
    response = await api.http.post(
        "/api/v1/files", files={"file": (filename, data, "video/mp4")}, headers=api.headers
    )
    assert response.status_code == 200, response.text
    return str(response.json()["file_uuid"])


async def _session_of(api: ApiClient, **source: str) -> str:
    data = await api.gql(
        "mutation($input: CreateSessionInput!) { createSession(input: $input) { id } }",
        input=source,
    )
    return str(data["createSession"]["id"])


async def _serve(files: dict[str, bytes]) -> asyncio.Server:
    """A loopback HTTP server answering ``GET /<name>`` with ``files[name]``."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        name = request.split(b" ", 2)[1].decode().lstrip("/")
        body = files.get(name, b"")
        status = b"200 OK" if name in files else b"404 Not Found"
        header = b"HTTP/1.1 " + status + b"\r\nContent-Type: video/mp4\r\n"
        header += b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
        writer.write(header + body)
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def _is_magenta(jpeg: bytes) -> bool:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    mean = image.reshape(-1, 3).mean(axis=0)
    return bool(np.abs(mean - np.array(MAGENTA_BGR)).max() < 60)


async def test_hostile_corpus_through_every_upload_path(
    api: ApiClient,
    other_api: ApiClient,
    media: MediaFactory,
    run_worker: Any,
    state: AppState,
    fifo_canary: FifoCanary,
) -> None:
    # The victim: another org's ready session, with a cached clip of magenta frames.
    victim = await other_api.create_session_from_file(media.sample_video())
    await run_worker()
    cached_clip = _magenta_clip(state.settings.cache_dir / victim["id"] / "clip-0.ts")

    sessions: dict[str, str] = {}  # session id -> what it was made of
    served: dict[str, bytes] = {}
    for name in INDIRECTION + OTHER_MEMBERS:
        for canary in (cached_clip, fifo_canary.path):
            data = _member(name, canary, victim["id"])
            tag = f"{name} -> {canary.name}"
            for filename in (name, "x.mp4", None):
                upload = await _upload_raw(api, data, filename)
                sessions[await _session_of(api, uploadId=upload)] = f"raw {filename}: {tag}"
            upload = await _upload_multipart(api, data, "clip.mp4")
            sessions[await _session_of(api, uploadId=upload)] = f"multipart: {tag}"
            served[f"{len(served)}/clip.mp4"] = data

    server = await _serve(served)
    port = server.sockets[0].getsockname()[1]
    async with server:
        for path in served:
            url = f"http://127.0.0.1:{port}/{path}"
            sessions[await _session_of(api, url=url)] = f"url: {path}"
        good = await api.create_session_from_file(media.sample_video())
        await run_worker()

    assert fifo_canary.opened == 0, "a hostile upload made ffmpeg open a file it named"
    private = (str(state.settings.data_dir.resolve()), str(fifo_canary.path.parent), "canary")
    for session_id, made_of in sessions.items():
        session = await api.session(session_id)
        assert session["status"] == "ERROR", (made_of, session)
        error = session["error"]
        assert error and not any(part in error for part in private), (made_of, error)
        response = await api.http.get(
            f"/api/v1/file/{session_id}/thumbnail?frame=0", headers=api.headers
        )
        assert response.status_code == 409, (made_of, response.status_code)
    assert (await api.session(good["id"]))["status"] == "READY", "the worker kept going"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("playlist.m3u8", "an HLS playlist (hls)"),
        ("playlist-master.m3u8", "an HLS playlist (hls)"),
        ("polyglot-playlist-mp4.bin", "an HLS playlist (hls)"),
        ("concat.ffconcat", "a concat list (concat)"),
        ("manifest.mpd", "a DASH manifest (dash)"),
        ("session.sdp", "the 'sdp' format"),
        ("still.png", "a still image (png_pipe)"),
        ("still.jpg", "a still image (jpeg_pipe)"),
    ],
)
def test_refused_formats_are_named(name: str, expected: str, tmp_path: Path) -> None:
    target = tmp_path / "source"  # no extension, as ingest stores media
    target.write_bytes(_member(name, tmp_path / "canary.ts", "other"))
    with pytest.raises(MediaError) as caught:
        probe(target)
    assert f"unsupported media: {expected} is not accepted" in str(caught.value)
    with pytest.raises(MediaError), open_video(target):
        pass


def test_pixel_bomb_video_is_refused_before_decoding(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as caught:
        probe(CORPUS / "pixel-bomb.mkv", max_pixels=36_000_000)
    assert "8192x4608 pictures exceed the limit of 36000000 pixels" in str(caught.value)


async def test_mp4_with_a_playlist_inside_plays_its_own_frames_only(
    api: ApiClient, media: MediaFactory, run_worker: Any, tmp_path: Path
) -> None:
    """A real MP4 that carries a playlist in a trailing ``free`` box is an MP4: it ingests, and
    its frames are its own, never the canary's."""
    canary = _magenta_clip(tmp_path / "canary.ts")
    playlist = _member("playlist.m3u8", canary, "other")
    box = (8 + len(playlist)).to_bytes(4, "big") + b"free" + playlist
    polyglot = tmp_path / "polyglot.mp4"
    polyglot.write_bytes(media.sample_video().read_bytes() + box)
    created = await api.create_session_from_file(polyglot)
    await run_worker()
    session = await api.gql(
        f"query($id: ID!) {{ session(id: $id) {{ {SESSION_FIELDS} }} }}", id=created["id"]
    )
    assert session["session"]["status"] == "READY", session
    for frame in (0, 50, 99):
        response = await api.http.get(
            f"/api/v1/file/{created['id']}/thumbnail?frame={frame}", headers=api.headers
        )
        assert response.status_code == 200
        assert not _is_magenta(response.content)


@pytest.mark.parametrize("name", INDIRECTION + OTHER_MEMBERS)
async def test_hostile_corpus_as_identity_images(
    api: ApiClient, name: str, tmp_path: Path, fifo_canary: FifoCanary
) -> None:
    """The image upload path: every member is a typed error and no identity is written."""
    image = tmp_path / name
    image.write_bytes(_member(name, fifo_canary.path, "other"))
    body = await create_identity(api, "Hostile", [image])
    error = body["errors"][0]
    assert error["extensions"]["code"] in {"INVALID_IMAGE", "IMAGE_TOO_LARGE"}, error
    assert str(tmp_path) not in error["message"]
    assert (await api.gql("query { identities { id } }"))["identities"] == []
    assert fifo_canary.opened == 0
