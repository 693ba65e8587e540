"""True peak (ITU-R BS.1770-4 Annex 2): the peak of the signal oversampled 4x (dBTP).

A 4x interpolating low-pass FIR (``TAPS`` taps, cut at the original Nyquist) runs causally over
streamed blocks, carrying its history, so the result does not depend on how the audio was cut;
each phase is 12 scaled, shifted additions over the block.
Oversampling is the costly part, and most blocks cannot raise the peak: the interpolated
samples of a block are at most ``bound`` (the largest sum of |taps| over the four phases)
times its largest sample, so a block whose sample peak times ``bound`` is not above the peak
found so far is skipped exactly. At 96 kHz and above the samples are used as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import firwin

FACTOR = 4
# Odd and centred on a sample: phase 0 is then the samples themselves (the windowed sinc is 0 at
# every other multiple of 4), so only phases 1-3 are computed, 12 taps each (as BS.1770-4's
# example interpolator), padded to 13.
TAPS = 49
PEAK_FLOOR_DBTP = -120.0


def _interpolator() -> np.ndarray:
    return FACTOR * firwin(TAPS, 1.0 / FACTOR, window=("kaiser", 8.0))


@dataclass
class TruePeakMeter:
    """``feed`` ``(samples, channels)`` blocks; ``dbtp`` is the true peak over all channels."""

    rate: int
    channels: int
    peak: float = 0.0
    _taps: np.ndarray = field(init=False)
    _history: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        per_phase = -(-TAPS // FACTOR)
        taps = np.concatenate([_interpolator(), np.zeros(per_phase * FACTOR - TAPS)])
        # phases[j, p]: the tap that sample n - (per_phase - 1 - j) gets in output 4n + p
        phases = np.stack([taps[p::FACTOR][::-1] for p in range(FACTOR)], axis=1)
        self._phases = phases.astype(np.float32)
        self.bound = float(np.abs(self._phases).sum(axis=0).max())
        self._keep = per_phase - 1
        self._history = np.zeros((self._keep, self.channels), np.float32)
        self.oversample = self.rate < 96_000

    def feed(self, block: np.ndarray) -> None:
        """Add the next samples."""
        if len(block) == 0:
            return
        data = np.asarray(block, np.float32)
        sample_peak = float(np.abs(data).max())
        self.peak = max(self.peak, sample_peak)
        reach = max(sample_peak, float(np.abs(self._history).max()))
        if self.oversample and reach * self.bound > self.peak:
            extended = np.concatenate([self._history, data])
            for channel in range(self.channels):
                self._oversample(extended[:, channel])
        self._history = np.concatenate([self._history, data])[-self._keep :]

    def _oversample(self, samples: np.ndarray) -> None:
        """Phases 1-3 of the filter as scaled, shifted additions over the block (contiguous
        vectors: much faster in numpy than a windowed matrix product); phase 0 is the samples."""
        count = len(samples) - self._keep  # window i covers samples i .. i + keep
        if count <= 0:
            return
        for phase in range(1, FACTOR):
            interpolated = np.zeros(count, np.float32)
            for offset in range(self._keep + 1):
                interpolated += self._phases[offset, phase] * samples[offset : offset + count]
            self.peak = max(self.peak, float(np.abs(interpolated).max()))

    @property
    def dbtp(self) -> float:
        """The true peak in dBTP (dB relative to full scale)."""
        return 20.0 * math.log10(self.peak) if self.peak > 0 else PEAK_FLOOR_DBTP
