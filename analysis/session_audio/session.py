"""The audio analyses run after ingest, in one streamed pass over the file's audio at 48 kHz.

One decode feeds the volume meter (per channel), the BS.1770 meter and the true-peak meter, so an
hour of audio costs one decode and memory stays at a block plus the per-step results (an hour of
stereo volume points is 5.8 MB). Out come the series, the integrated loudness (or why there is
none), the loudness range, the true peak and the loudness issues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.session_audio.decode import LOUDNESS_RATE, audio_channels, stream_blocks
from analysis.session_audio.issues import LoudnessIssue, LoudnessLimits, find_issues
from analysis.session_audio.loudness import LoudnessMeter, LoudnessUndetermined
from analysis.session_audio.true_peak import TruePeakMeter
from analysis.session_audio.volume import VolumeMeter

BLOCK_SAMPLES = LOUDNESS_RATE  # one second per block


@dataclass(frozen=True)
class SessionAudio:
    """Everything the post-ingest audio pass found."""

    channels: int
    volume_t_ms: np.ndarray
    volume: np.ndarray  # (points, channels)
    momentary_t_ms: np.ndarray
    momentary_lufs: np.ndarray
    short_term_t_ms: np.ndarray
    short_term_lufs: np.ndarray
    integrated_lufs: float | None  # None: only silence or extremely low noise
    loudness_range_lu: float | None
    true_peak_dbtp: float
    issues: list[LoudnessIssue]


def measure_blocks(
    blocks: Iterable[np.ndarray], rate: int, channels: int, limits: LoudnessLimits
) -> SessionAudio:
    """Run the meters over an iterable of ``(samples, channels)`` blocks."""
    volume = VolumeMeter(rate, channels)
    loudness = LoudnessMeter(rate, channels)
    peak = TruePeakMeter(rate, channels)
    for block in blocks:
        volume.feed(block)
        loudness.feed(block)
        peak.feed(block)
    volume_t, volume_values = volume.finish()
    momentary_t, momentary = loudness.momentary()
    short_t, short = loudness.short_term()
    try:
        integrated: float | None = loudness.integrated()
    except LoudnessUndetermined:
        integrated = None
    return SessionAudio(
        channels=channels,
        volume_t_ms=volume_t,
        volume=volume_values,
        momentary_t_ms=momentary_t,
        momentary_lufs=momentary,
        short_term_t_ms=short_t,
        short_term_lufs=short,
        integrated_lufs=integrated,
        loudness_range_lu=loudness.loudness_range() if integrated is not None else None,
        true_peak_dbtp=peak.dbtp,
        issues=find_issues(short_t, short, limits),
    )


def analyse_session_audio(
    path: Path,
    limits: LoudnessLimits,
    *,
    progress: Callable[[float], None] | None = None,
    duration_ms: float | None = None,
    channels: int | None = None,
) -> SessionAudio:
    """The post-ingest pass over ``path``'s first audio stream (``channels`` as ingest probed
    them; probed again when not given)."""
    channels = channels or audio_channels(path)

    def blocks() -> Iterator[np.ndarray]:
        for index, block in enumerate(
            stream_blocks(path, block_samples=BLOCK_SAMPLES, channels=channels)
        ):
            if progress is not None and duration_ms and index % 30 == 0:
                progress(min(index * 1000.0 / duration_ms, 0.99))
            yield block

    return measure_blocks(blocks(), LOUDNESS_RATE, channels, limits)
