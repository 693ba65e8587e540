"""Live audio analysis: a stream's parameters checked, its PCM fed in, its steps answered.

The transport (``/api/v1/audio/stream``, a WebSocket) lives in :mod:`api.rest.audio_stream`;
this module knows only bytes in and messages out. Streams are 16-bit little-endian PCM,
16 kHz mono unless ``sample_rate`` (8000-192000) and ``channels`` (1-8, interleaved) say
otherwise; other layouts are mixed to mono and resampled on the way
(:mod:`analysis.audio_jobs.live_pcm`), so a step's timestamp is its time in the stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.audio_jobs import (
    DEFAULT_OUTPUT_PERIOD_MS,
    DEFAULT_VOLUME_THRESHOLD,
    InvalidParameter,
    step_message,
)
from analysis.audio_jobs.live_pcm import MAX_CHANNELS, MAX_RATE, MIN_RATE, LivePcm
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
    sample_rate: int = SAMPLE_RATE
    channels: int = CHANNELS


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
    if not MIN_RATE <= rate <= MAX_RATE:
        raise InvalidParameter(
            "sample_rate", f"sample_rate must be {MIN_RATE} to {MAX_RATE} Hz (got {rate})"
        )
    channels = _integer(query, "channels", CHANNELS)
    if not 1 <= channels <= MAX_CHANNELS:
        raise InvalidParameter("channels", f"channels must be 1 to {MAX_CHANNELS} (got {channels})")
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
        rate,
        channels,
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
        self._to_mono_16k = LivePcm(parameters.sample_rate, parameters.channels)

    def feed(self, pcm: bytes) -> None:
        self.analyser.feed(self._to_mono_16k(pcm))

    async def messages(self, *, final: bool = False) -> list[dict[str, Any]]:
        """The steps complete now as single-step messages (the analysis runs in a thread)."""
        if not self.analyser.pending(final=final):
            return []
        steps = await asyncio.to_thread(self.analyser.analyse, final=final)
        return [step_message(step, self.parameters.include_raw_values) for step in steps]


def open_stream(query: Mapping[str, str], settings: Settings) -> AudioStream:
    """A stream for these query parameters; InvalidParameter or ModelUnavailable otherwise."""
    return AudioStream(stream_parameters(query), settings.emotions_model)
