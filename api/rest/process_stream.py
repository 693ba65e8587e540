"""Stream a subprocess's stdout as an HTTP body, killing it when the client goes away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator, Sequence

import numpy as np

from analysis.errors import MediaError
from api.services.media_cache import CacheWriter

CHUNK_BYTES = 256 * 1024


async def stream_stdout(
    cmd: Sequence[str], frames: Iterator[np.ndarray] | None = None
) -> AsyncIterator[bytes]:
    """The process's stdout; ``frames`` (raw images) are written to its stdin meanwhile.

    A process that fails raises MediaError after its last byte, so the response is cut off
    rather than ending as if it were complete.
    """
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        stdin=asyncio.subprocess.PIPE if frames is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    feeder = asyncio.create_task(_feed(proc, frames)) if frames is not None else None
    errors = asyncio.create_task(proc.stderr.read())
    try:
        while chunk := await proc.stdout.read(CHUNK_BYTES):
            yield chunk
        await proc.wait()
        if feeder is not None:
            await feeder
        if proc.returncode != 0:
            message = (await errors).decode(errors="replace").strip().splitlines()[-1:]
            raise MediaError(f"ffmpeg failed: {' '.join(message) or proc.returncode}")
    finally:
        if feeder is not None and not feeder.done():
            feeder.cancel()
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
        errors.cancel()


async def _feed(proc: asyncio.subprocess.Process, frames: Iterator[np.ndarray]) -> None:
    """Decode and draw in a thread, one frame at a time, and pipe the frames to the encoder."""
    assert proc.stdin is not None
    done = object()
    try:
        while (image := await asyncio.to_thread(next, frames, done)) is not done:
            assert isinstance(image, np.ndarray)
            proc.stdin.write(image.tobytes())
            await proc.stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the encoder stopped (client gone, or it failed: its exit code says which)
    finally:
        proc.stdin.close()


async def tee_to_cache(chunks: AsyncIterator[bytes], writer: CacheWriter) -> AsyncIterator[bytes]:
    """Pass ``chunks`` through, keeping a copy that enters the cache only if all of it came."""
    complete = False
    try:
        async for chunk in chunks:
            writer.write(chunk)
            yield chunk
        complete = True
    finally:
        if complete:
            writer.commit()
        else:
            writer.discard()
