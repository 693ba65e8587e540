"""Peak amplitude of a 16-bit WAV (pure: a file in, a number out)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def audio_peak(path: Path) -> float:
    """The largest absolute sample, 1.0 being full scale."""
    with wave.open(str(path)) as fh:
        samples = np.frombuffer(fh.readframes(fh.getnframes()), np.int16)
    return float(np.abs(samples.astype(np.int32)).max() / 32768.0) if len(samples) else 0.0
