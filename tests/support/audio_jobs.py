"""What the audio job tests share: a spoken WAV with its truth, and a local file server that
records the headers of each download (the signed request verification among them)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tests.support.audio_material import FEMALE_VOICES, MALE_VOICES, SENTENCES, silence, speak
from tests.support.audio_material import write_wav as write_channels


def speech_wav(path: Path, *, stereo: bool = False) -> Path:
    """About 5 s: half a second of silence, a female sentence, silence (a male one on channel 1)."""
    left = np.concatenate([silence(0.5), speak(SENTENCES[0], FEMALE_VOICES[0]), silence(0.5)])
    if not stereo:
        return write_channels(path, [left])
    right = np.concatenate([silence(0.5), speak(SENTENCES[1], MALE_VOICES[0]), silence(0.5)])
    return write_channels(path, [left, right])


@dataclass
class FileServer:
    """Answers any method with ``files`` (path → bytes) over HTTP/1.1 on 127.0.0.1, 404 for
    other paths; records each request (its body is read and dropped)."""

    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        method, path = head[0].split(" ")[:2]
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head[1:] if line)
        }
        await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append((path, headers))
        self.methods.append(method)
        body = self.files.get(path)
        status = "200 OK" if body is not None else "404 Not Found"
        body = body if body is not None else b""
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: audio/wav\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()


@asynccontextmanager
async def file_server() -> AsyncIterator[FileServer]:
    served = FileServer()
    server = await asyncio.start_server(served.handle, "127.0.0.1", 0)
    served.port = server.sockets[0].getsockname()[1]
    async with server:
        yield served
