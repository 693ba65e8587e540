"""Live PCM of any declared rate and channel count to the models' 16 kHz mono, chunk by chunk.

A stream arrives in frames split anywhere, so the conversion keeps state between chunks and
gives the same samples however the stream was cut:

- channels are averaged to mono (interleaved 16-bit frames; a partial frame waits for the rest);
- above 16 kHz, a 63-tap FIR low-pass at 7.2 kHz (its filter state carried over) removes what
  would alias, delaying the audio by 31 input samples (0.65 ms at 48 kHz);
- the rate changes by linear interpolation at a fractional read position carried over too.
"""

from __future__ import annotations

import numpy as np
from scipy import signal as sps

from analysis.audio_jobs.vocabulary import SAMPLE_RATE

MIN_RATE = 8_000
MAX_RATE = 192_000
MAX_CHANNELS = 8
_TAPS = 63
_CUTOFF_HZ = 0.45 * SAMPLE_RATE


class Resampler:
    """float samples at ``rate`` in, float samples at 16 kHz out, continuous across calls."""

    def __init__(self, rate: int) -> None:
        self.step = rate / SAMPLE_RATE  # input samples per output sample
        self._taps = sps.firwin(_TAPS, _CUTOFF_HZ, fs=rate) if rate > SAMPLE_RATE else None
        self._state = np.zeros(_TAPS - 1) if self._taps is not None else None
        self._tail = np.zeros(0)  # input not yet passed by the read position
        self._pos = 0.0  # the next output's position in (tail + next input)

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        x = np.asarray(samples, np.float64)
        if self._taps is not None and len(x):
            x, self._state = sps.lfilter(self._taps, 1.0, x, zi=self._state)
        buffer = np.concatenate([self._tail, x])
        last = len(buffer) - 1
        if last < 0 or self._pos > last:
            self._tail = buffer
            return np.zeros(0)
        count = int(np.floor((last - self._pos) / self.step)) + 1
        positions = self._pos + self.step * np.arange(count)
        left = np.floor(positions).astype(np.int64)
        frac = positions - left
        right = np.minimum(left + 1, last)
        out = buffer[left] * (1.0 - frac) + buffer[right] * frac
        after = self._pos + self.step * count
        keep = min(int(np.floor(after)), len(buffer))
        self._tail = buffer[keep:]
        self._pos = after - keep
        return out


class LivePcm:
    """Interleaved little-endian 16-bit PCM bytes in, int16 16 kHz mono samples out."""

    def __init__(self, rate: int, channels: int) -> None:
        self.channels = channels
        self._resample = Resampler(rate) if rate != SAMPLE_RATE else None
        self._partial = b""  # bytes of a frame split between two chunks

    def __call__(self, pcm: bytes) -> np.ndarray:
        data = self._partial + pcm
        frame = 2 * self.channels
        whole = len(data) - len(data) % frame
        self._partial = data[whole:]
        samples = np.frombuffer(data[:whole], "<i2")
        if self.channels == 1 and self._resample is None:
            return samples.astype(np.int16)
        mono = samples.reshape(-1, self.channels).mean(axis=1)
        if self._resample is not None:
            mono = self._resample(mono)
        return np.clip(np.rint(mono), -32768, 32767).astype(np.int16)
