"""The audio volume series: how loud the waveform is, 0..1 of full scale, every 5 ms.

Definition: every ``STEP_MS`` (5 ms) the RMS of the samples in a ``WINDOW_MS`` (10 ms) window
centred on that instant, times √2 and capped at 1. The √2 makes a sine of amplitude A read A:
a full-scale sine reads 1.0, a sine at half scale 0.5, white noise of RMS r reads 1.41 r.
Point k stands at ``(k + 1) * 5`` ms and covers ``[k * 5, k * 5 + 10)`` ms, so a region of
consecutive points above a threshold is timed to ±5 ms. The activity thresholds
(``volume: 0.02`` by default) are in these units. Computed per channel, streaming: a caller
feeds blocks and keeps only the points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

STEP_MS = 5.0
WINDOW_MS = 2 * STEP_MS


@dataclass
class VolumeMeter:
    """Feeds of ``(samples, channels)`` blocks → one volume value per 5 ms step per channel."""

    rate: int
    channels: int
    _carry: np.ndarray = field(init=False)
    _last_energy: np.ndarray | None = field(init=False, default=None)
    _values: list[np.ndarray] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.hop = round(self.rate * STEP_MS / 1000.0)
        self._carry = np.zeros((0, self.channels), np.float32)

    def feed(self, block: np.ndarray) -> None:
        """Add the next samples (any length)."""
        data = np.concatenate([self._carry, block]) if len(self._carry) else block
        whole = len(data) - len(data) % self.hop
        self._carry = data[whole:]
        if whole == 0:
            return
        steps = data[:whole].astype(np.float64).reshape(-1, self.hop, self.channels)
        energy = np.einsum("shc,shc->sc", steps, steps) / self.hop  # mean square per 5 ms
        if self._last_energy is not None:
            energy = np.concatenate([self._last_energy, energy])
        self._last_energy = energy[-1:]
        if len(energy) >= 2:
            rms = np.sqrt(0.5 * (energy[:-1] + energy[1:]))
            self._values.append(np.minimum(np.sqrt(2.0) * rms, 1.0).astype(np.float32))

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """``(t_ms, values)``: times (float64) and a ``(points, channels)`` array."""
        values = (
            np.concatenate(self._values)
            if self._values
            else np.zeros((0, self.channels), np.float32)
        )
        t_ms = (np.arange(len(values)) + 1) * STEP_MS
        return t_ms.astype(np.float64), values


def volume_series(samples: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """The volume of a whole ``(samples, channels)`` (or 1-D) array, in one call."""
    data = samples.reshape(len(samples), -1)
    meter = VolumeMeter(rate, data.shape[1])
    meter.feed(data)
    return meter.finish()
