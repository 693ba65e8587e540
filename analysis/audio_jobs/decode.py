"""Decode an audio file to 16 kHz int16 PCM, one array per channel.

Any format ffmpeg decodes from the allow-listed containers (WAV, FLAC, MP3, Ogg, M4A, the audio
of a video...) is opened through :func:`analysis.media.untrusted.ffmpeg_input`, resampled to
16 kHz and read from ffmpeg's pipe in pieces straight into one int16 array per channel: an hour
of stereo takes 230 MB (float32 would take 460 MB), and the analysis converts it to float one
block at a time. ``channel`` decodes one channel only.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.audio_jobs.vocabulary import SAMPLE_RATE
from analysis.errors import MediaError
from analysis.media.probe import ffmpeg_error_text, probe
from analysis.media.untrusted import ffmpeg_input

DECODE_TIMEOUT_S = 1800
_READ_BYTES = 1 << 20


class NoAudio(MediaError):
    """The file is media but holds no audio stream."""


class NoSuchChannel(MediaError):
    """The channel asked for is not in the file."""


@dataclass(frozen=True)
class DecodedAudio:
    """16 kHz int16 samples per channel: ``channels[i]`` is the file's ``channel_ids[i]``."""

    channels: list[np.ndarray]
    channel_ids: list[int]
    format_name: str

    @property
    def duration_ms(self) -> float:
        """The decoded length in ms (every channel has the same length)."""
        return 1000.0 * len(self.channels[0]) / SAMPLE_RATE if self.channels else 0.0


@dataclass(frozen=True)
class AudioInfo:
    """What a job checks before decoding: channel count, duration and container format."""

    channels: int
    duration_ms: float
    format_name: str


def audio_info(path: Path) -> AudioInfo:
    """The file's audio layout; MediaError (UnsupportedFormat, NoAudio) when there is none."""
    info = probe(path)
    if not info.has_audio:
        raise NoAudio("the file has no audio stream")
    return AudioInfo(info.channels or 1, info.duration_ms, info.format_name)


def decode_audio(
    path: Path, channel: int | None = None, *, timeout_s: float = DECODE_TIMEOUT_S
) -> DecodedAudio:
    """Every channel (or only ``channel``, counted from 0) of the file's first audio stream."""
    info = audio_info(path)
    if channel is not None and not 0 <= channel < info.channels:
        raise NoSuchChannel(
            f"channel {channel} does not exist: the audio has {info.channels} channel(s)"
        )
    wanted = [channel] if channel is not None else list(range(info.channels))
    mix = ["-af", f"pan=mono|c0=c{channel}"] if channel is not None else []
    cmd = ["ffmpeg", "-nostdin", "-v", "error", *ffmpeg_input(path), "-vn", "-map", "0:a:0"]
    cmd += [*mix, "-ar", str(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]
    expected = int(info.duration_ms * SAMPLE_RATE / 1000) + SAMPLE_RATE
    buffers = [_Growing(expected) for _ in wanted]
    carry = b""
    width = 2 * len(wanted)
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors) as proc,
    ):
        assert proc.stdout is not None
        timer = threading.Timer(timeout_s, proc.kill)
        timer.start()
        try:
            while chunk := proc.stdout.read(_READ_BYTES):
                data = carry + chunk
                whole = len(data) - len(data) % width
                frames = np.frombuffer(data[:whole], "<i2").reshape(-1, len(wanted))
                for index, buffer in enumerate(buffers):
                    buffer.extend(frames[:, index])
                carry = data[whole:]
            status = proc.wait()
        finally:
            timed_out = not timer.is_alive()
            timer.cancel()
        errors.seek(0)
        stderr = errors.read(1 << 16).decode(errors="replace")
    if timed_out:
        raise MediaError(f"decoding the audio took longer than {timeout_s:.0f} s")
    channels = [buffer.array() for buffer in buffers]
    if status != 0 or not channels or len(channels[0]) == 0:
        detail = ffmpeg_error_text(stderr, path) if stderr.strip() else "no audio decoded"
        raise MediaError(f"the audio could not be decoded: {detail}")
    return DecodedAudio(channels, wanted, info.format_name)


class _Growing:
    """An int16 array filled in pieces, doubling when the probed length was short."""

    def __init__(self, capacity: int) -> None:
        self._data = np.empty(max(capacity, 1), np.int16)
        self._size = 0

    def extend(self, values: np.ndarray) -> None:
        end = self._size + len(values)
        if end > len(self._data):
            grown = np.empty(max(end, 2 * len(self._data)), np.int16)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : end] = values
        self._size = end

    def array(self) -> np.ndarray:
        """The samples so far (a copy when the buffer is much larger, to free the rest)."""
        if len(self._data) - self._size > SAMPLE_RATE * 60:
            return self._data[: self._size].copy()
        return self._data[: self._size]
