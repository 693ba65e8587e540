"""The request-driven audio analyses: activity over a label's interval, match of a reference.

Both decode only the stretch they need, through the same decoder as the post-ingest pass, so an
activity request sees exactly the volume series stored for the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.session_audio.activity import ActivityThresholds, Region, find_activity
from analysis.session_audio.channels import channel_name
from analysis.session_audio.decode import LOUDNESS_RATE, audio_channels, read_audio
from analysis.session_audio.match import Correlation, Precision, correlate, precision_for
from analysis.session_audio.volume import STEP_MS, volume_series


@dataclass(frozen=True)
class ChannelActivity:
    """The active regions of one channel, on the session's clock."""

    channel: str
    regions: list[Region]


def activity_in(
    path: Path, start_ms: float, end_ms: float, thresholds: ActivityThresholds
) -> list[ChannelActivity]:
    """Activity regions of each channel within ``[start_ms, end_ms)``."""
    count = audio_channels(path)
    start_ms = STEP_MS * np.floor(start_ms / STEP_MS)  # the session series' 5 ms grid
    samples = read_audio(path, rate=LOUDNESS_RATE, interval_ms=(start_ms, end_ms))
    t_ms, volume = volume_series(samples, LOUDNESS_RATE)
    found = []
    for index in range(samples.shape[1] if samples.ndim == 2 else 0):
        regions = find_activity(t_ms + start_ms, volume[:, index], thresholds)
        clipped = [
            Region(max(r.start_ms, start_ms), min(r.end_ms, end_ms), r.start_volume, r.end_volume)
            for r in regions
        ]
        found.append(ChannelActivity(channel_name(index, count), clipped))
    return found


@dataclass(frozen=True)
class AudioSource:
    """A stretch of a media file (``end_ms`` None: to the end)."""

    path: str
    start_ms: float = 0.0
    end_ms: float | None = None


@dataclass(frozen=True)
class MatchOutcome:
    """The best alignment on the session's clock (None: the reference is not in the test
    audio, longer than it, or silent) and the precision used."""

    correlation: Correlation | None
    precision: Precision


def _read(source: AudioSource, rate: int) -> np.ndarray:
    interval = None
    if source.start_ms or source.end_ms is not None:
        interval = (source.start_ms, source.end_ms if source.end_ms is not None else 1e12)
    return read_audio(Path(source.path), rate=rate, interval_ms=interval, mono=True)[:, 0]


def match_in(
    test: AudioSource, reference: AudioSource, test_ms: float, reference_ms: float
) -> MatchOutcome:
    """Find ``reference`` in ``test`` (durations give the precision step)."""
    precision = precision_for(test_ms, reference_ms)
    test_audio = _read(test, precision.rate)
    reference_audio = _read(reference, precision.rate)
    found = correlate(test_audio, reference_audio, precision.rate)
    if found is not None:
        found = Correlation(
            found.offset_ms + test.start_ms,
            found.duration_ms,
            found.match_score,
            found.prominence_ratio,
        )
    return MatchOutcome(found, precision)
