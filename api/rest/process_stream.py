"""Stream a subprocess's stdout as an HTTP body, killing it when the client goes away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

CHUNK_BYTES = 256 * 1024


async def stream_stdout(cmd: Sequence[str]) -> AsyncIterator[bytes]:
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    assert proc.stdout is not None
    try:
        while chunk := await proc.stdout.read(CHUNK_BYTES):
            yield chunk
        await proc.wait()
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
