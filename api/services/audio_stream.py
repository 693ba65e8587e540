"""Live audio analysis: a stream's parameters checked, its PCM fed in, its steps answered.

The transport (``/api/v1/audio/stream``, a WebSocket) lives in :mod:`api.rest.audio_stream`;
this module knows only bytes in and messages out. Streams are 16-bit little-endian PCM,
16 kHz mono: ``sample_rate`` and ``channels`` may be given, but only those values are accepted
(a client converts first, e.g. ``sox in.wav -b 16 -c 1 -r 16k -t raw -``), so no resampling
happens on the way and a step's timestamp is exactly its place in the bytes received.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.audio_jobs import (
    DEFAULT_OUTPUT_PERIOD_MS,
    DEFAULT_VOLUME_THRESHOLD,
    InvalidParameter,
    step_message,
)
from analysis.audio_jobs.streaming import StreamAnalyser
from analysis.audio_jobs.vocabulary import SAMPLE_RATE
from graph.settings import Settings

CHANNELS = 1
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


@dataclass(frozen=True)
class StreamParameters:
    """A stream's query parameters, checked."""

    models: str
    output_period_ms: int
    volume_threshold: float
    include_raw_values: bool


def _integer(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit():
        raise InvalidParameter(name, f"{name} must be a whole number (got {raw!r})")
    return int(raw)


def stream_parameters(query: Mapping[str, str]) -> StreamParameters:
    """The stream's parameters from its query string; InvalidParameter names a bad one."""
    if "models" not in query:
        raise InvalidParameter("models", "models is required, e.g. ?models=speech,gender")
    rate = _integer(query, "sample_rate", SAMPLE_RATE)
    if rate != SAMPLE_RATE:
        raise InvalidParameter(
            "sample_rate", f"only {SAMPLE_RATE} Hz PCM is accepted (got {rate}); resample first"
        )
    channels = _integer(query, "channels", CHANNELS)
    if channels != CHANNELS:
        raise InvalidParameter(
            "channels", f"only mono PCM is accepted (got {channels} channels); one stream each"
        )
    raw_values = query.get("include_raw_values", "false").strip().lower()
    if raw_values not in _TRUE + _FALSE:
        raise InvalidParameter("include_raw_values", "include_raw_values must be true or false")
    threshold = query.get("volume_threshold")
    try:
        volume = DEFAULT_VOLUME_THRESHOLD if threshold is None else float(threshold)
    except ValueError:
        raise InvalidParameter("volume_threshold", "volume_threshold must be a number") from None
    return StreamParameters(
        query["models"],
        _integer(query, "output_period", DEFAULT_OUTPUT_PERIOD_MS),
        volume,
        raw_values in _TRUE,
    )


class AudioStream:
    """One client's stream: PCM bytes in (split anywhere), step messages out."""

    def __init__(self, parameters: StreamParameters, emotions_model: Path | None) -> None:
        self.parameters = parameters
        self.analyser = StreamAnalyser(
            parameters.models,
            parameters.output_period_ms,
            parameters.volume_threshold,
            emotions_model,
        )
        self._odd = b""  # a sample split between two frames

    def feed(self, pcm: bytes) -> None:
        data = self._odd + pcm
        whole = len(data) - len(data) % 2
        self._odd = data[whole:]
        self.analyser.feed(np.frombuffer(data[:whole], "<i2"))

    async def messages(self, *, final: bool = False) -> list[dict[str, Any]]:
        """The steps complete now as single-step messages (the analysis runs in a thread)."""
        if not self.analyser.pending(final=final):
            return []
        steps = await asyncio.to_thread(self.analyser.analyse, final=final)
        return [step_message(step, self.parameters.include_raw_values) for step in steps]


def open_stream(query: Mapping[str, str], settings: Settings) -> AudioStream:
    """A stream for these query parameters; InvalidParameter or ModelUnavailable otherwise."""
    return AudioStream(stream_parameters(query), settings.emotions_model)
