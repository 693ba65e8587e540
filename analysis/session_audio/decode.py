"""Decode a file's audio at the analysis rate, as float32 blocks, streamed from ffmpeg.

Every open goes through :func:`analysis.media.untrusted.ffmpeg_input`. Blocks are read from
ffmpeg's pipe one at a time, so an hour of 48 kHz stereo (1.4 GB as float64) never sits in
memory whole: a caller that keeps only running sums holds one block. ``interval`` decodes only
``[start_ms, end_ms)`` (ffmpeg seeks, then trims sample-accurately); ``mono`` mixes down.
"""

from __future__ import annotations

import queue
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

from analysis.errors import MediaError
from analysis.media.probe import ffmpeg_error_text, probe
from analysis.media.untrusted import ffmpeg_input

LOUDNESS_RATE = 48_000  # BS.1770's reference rate; every file is resampled to it
DECODE_TIMEOUT_S = 3600.0
READ_AHEAD_BLOCKS = 4


class NoAudioStream(MediaError):
    """The media holds no audio stream."""


def audio_channels(path: Path) -> int:
    """The number of channels of the file's first audio stream; NoAudioStream when none."""
    info = probe(path)
    if not info.has_audio:
        raise NoAudioStream("the media has no audio stream")
    return info.channels or 1


def stream_blocks(
    path: Path,
    *,
    rate: int = LOUDNESS_RATE,
    block_samples: int = LOUDNESS_RATE,
    interval_ms: tuple[float, float] | None = None,
    mono: bool = False,
    channels: int | None = None,
    timeout_s: float = DECODE_TIMEOUT_S,
) -> Iterator[np.ndarray]:
    """Blocks of ``(block_samples, channels)`` float32 in [-1, 1] (the last may be shorter)."""
    count = 1 if mono else (channels or audio_channels(path))
    seek: list[str] = []
    trim: list[str] = []
    if interval_ms is not None:
        start_ms, end_ms = interval_ms
        seek = ["-ss", f"{max(start_ms, 0.0) / 1000.0:.6f}"]
        trim = ["-t", f"{max(end_ms - start_ms, 0.0) / 1000.0:.6f}"]
    cmd = ["ffmpeg", "-nostdin", "-v", "error", *ffmpeg_input(path, *seek), *trim]
    cmd += ["-vn", "-map", "0:a:0", "-ar", str(rate)]
    cmd += ["-ac", "1"] if mono else []
    cmd += ["-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"]
    width = 4 * count * block_samples
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors) as proc,
    ):
        assert proc.stdout is not None
        timer = threading.Timer(timeout_s, proc.kill)
        timer.start()
        produced = 0
        ahead = _ReadAhead(proc.stdout, width)
        try:
            while (raw := ahead.next()) is not None:
                whole = len(raw) - len(raw) % (4 * count)
                if whole:
                    yield np.frombuffer(raw[:whole], "<f4").reshape(-1, count)
                    produced += 1
            status = proc.wait()
        finally:
            timed_out = not timer.is_alive()
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
            ahead.close()
        errors.seek(0)
        stderr = errors.read(1 << 16).decode(errors="replace")
    if timed_out:
        raise MediaError(f"decoding the audio took longer than {timeout_s:.0f} s")
    if status != 0 or (produced == 0 and interval_ms is None):
        detail = ffmpeg_error_text(stderr, path) if stderr.strip() else "no audio decoded"
        raise MediaError(f"the audio could not be decoded: {detail}")


class _ReadAhead:
    """Reads ffmpeg's pipe in a thread, a few blocks ahead, so decoding goes on while the
    caller analyses the previous block (the pipe alone holds only 64 KB)."""

    def __init__(self, stream: IO[bytes], width: int, depth: int = READ_AHEAD_BLOCKS) -> None:
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._stream, self._width = stream, width
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while chunk := self._stream.read(self._width):
                self._blocks.put(chunk)
        except (OSError, ValueError):
            pass  # the pipe was closed: the caller stopped early
        finally:
            self._blocks.put(None)

    def next(self) -> bytes | None:
        """The next block (``width`` bytes, the last one shorter), None at the end."""
        return self._blocks.get()

    def close(self) -> None:
        """Let the thread finish (the process is gone or done), dropping unread blocks."""
        while self._thread.is_alive():
            try:
                self._blocks.get(timeout=0.1)
            except queue.Empty:
                continue
        self._thread.join()


def read_audio(
    path: Path, *, rate: int, interval_ms: tuple[float, float] | None = None, mono: bool = False
) -> np.ndarray:
    """A whole (short) stretch of audio as ``(samples, channels)`` float32."""
    count = 1 if mono else audio_channels(path)
    blocks = list(
        stream_blocks(
            path,
            rate=rate,
            block_samples=rate * 10,
            interval_ms=interval_ms,
            mono=mono,
            channels=count,
        )
    )
    if not blocks:
        return np.zeros((0, count), np.float32)
    return np.concatenate(blocks)
