"""Loudness after ITU-R BS.1770-4 and EBU R 128: momentary, short-term, integrated, range.

The K-weighting filters are pyloudnorm's (their coefficients for the file's rate); what
pyloudnorm lacks is written here: the meter runs over streamed blocks (pyloudnorm needs the
whole signal, as float64, in memory) and keeps only the weighted mean square of each 100 ms
sub-block. Everything else follows from those powers:

- momentary loudness: 400 ms windows (4 sub-blocks), one every 100 ms, at the window's end;
- short-term loudness: 3 s windows (30 sub-blocks), one every 100 ms, at the window's end;
- integrated loudness: the momentary windows are BS.1770's 75 %-overlapping gating blocks;
  absolute gate -70 LUFS, relative gate -10 LU;
- loudness range (EBU Tech 3342): short-term values gated at -70 LUFS and -20 LU below their
  power mean, 95th minus 10th percentile.

Channel weights: 1.0, except the surround pair of a 5-channel layout (L R C Ls Rs, 1.41 as
BS.1770 says) and of 5.1 (L R C LFE Ls Rs: the LFE is left out, Ls/Rs 1.41). A window with no
signal reads ``SILENCE_LUFS`` (-120) so series stay finite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyloudnorm
from scipy.signal import sosfilt, tf2sos

SUB_BLOCK_MS = 100
MOMENTARY_BLOCKS = 4
SHORT_TERM_BLOCKS = 30
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
LRA_RELATIVE_GATE_LU = -20.0
SILENCE_LUFS = -120.0


class LoudnessUndetermined(ValueError):
    """No gating block is above the absolute gate: silence or extremely low noise."""


def channel_weights(channels: int) -> np.ndarray:
    """BS.1770's weight per channel (see the module docstring)."""
    weights = np.ones(channels)
    if channels == 5:
        weights[3:5] = 1.41
    elif channels == 6:
        weights[3] = 0.0
        weights[4:6] = 1.41
    return weights


def k_weighting_sos(rate: int) -> np.ndarray:
    """pyloudnorm's two K-weighting stages as one second-order-sections filter."""
    meter = pyloudnorm.Meter(rate)
    sections = []
    for stage in meter._filters.values():  # high shelf, then high pass
        sos = tf2sos(np.asarray(stage.b) * float(stage.passband_gain), np.asarray(stage.a))
        sections.append(sos)
    return np.concatenate(sections)


def to_lufs(power: np.ndarray | float) -> np.ndarray:
    """Weighted mean square → LUFS (-0.691 + 10 log10), SILENCE_LUFS for zero power."""
    with np.errstate(divide="ignore"):
        lufs = -0.691 + 10.0 * np.log10(np.asarray(power, np.float64))
    return np.maximum(lufs, SILENCE_LUFS)


@dataclass
class LoudnessMeter:
    """A streaming BS.1770 meter: ``feed`` blocks, then read the figures."""

    rate: int
    channels: int
    _sos: np.ndarray = field(init=False)
    _state: np.ndarray = field(init=False)
    _weights: np.ndarray = field(init=False)
    _carry: np.ndarray = field(init=False)
    _powers: list[np.ndarray] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.sub_block = self.rate * SUB_BLOCK_MS // 1000
        self._sos = k_weighting_sos(self.rate)
        self._state = np.zeros((self._sos.shape[0], 2, self.channels))
        self._weights = channel_weights(self.channels)
        self._carry = np.zeros((0, self.channels))

    def feed(self, block: np.ndarray) -> None:
        """Add the next ``(samples, channels)`` samples."""
        filtered, self._state = sosfilt(self._sos, block.astype(np.float64), axis=0, zi=self._state)
        data = np.concatenate([self._carry, filtered]) if len(self._carry) else filtered
        whole = len(data) - len(data) % self.sub_block
        self._carry = data[whole:]
        if whole:
            subs = data[:whole].reshape(-1, self.sub_block, self.channels)
            mean_square = np.einsum("sbc,sbc->sc", subs, subs) / self.sub_block
            self._powers.append(mean_square @ self._weights)

    @property
    def sub_block_powers(self) -> np.ndarray:
        """The weighted mean square of every whole 100 ms sub-block so far."""
        return np.concatenate(self._powers) if self._powers else np.zeros(0)

    def windows(self, blocks: int) -> tuple[np.ndarray, np.ndarray]:
        """``(t_ms, power)`` of every ``blocks``-long window, one per sub-block step."""
        powers = self.sub_block_powers
        if len(powers) < blocks:
            return np.zeros(0), np.zeros(0)
        sums = np.concatenate([[0.0], np.cumsum(powers)])
        mean = (sums[blocks:] - sums[:-blocks]) / blocks
        t_ms = (np.arange(len(mean)) + blocks) * float(SUB_BLOCK_MS)
        return t_ms, np.maximum(mean, 0.0)

    def momentary(self) -> tuple[np.ndarray, np.ndarray]:
        """``(t_ms, LUFS)`` of the 400 ms windows."""
        t_ms, power = self.windows(MOMENTARY_BLOCKS)
        return t_ms, to_lufs(power)

    def short_term(self) -> tuple[np.ndarray, np.ndarray]:
        """``(t_ms, LUFS)`` of the 3 s windows."""
        t_ms, power = self.windows(SHORT_TERM_BLOCKS)
        return t_ms, to_lufs(power)

    def integrated(self) -> float:
        """Gated integrated loudness in LUFS; LoudnessUndetermined when nothing passes the
        absolute gate."""
        return integrated_from_blocks(self.windows(MOMENTARY_BLOCKS)[1])

    def loudness_range(self) -> float | None:
        """EBU Tech 3342 loudness range in LU; None when no short-term value passes the gates."""
        return range_from_short_term(self.windows(SHORT_TERM_BLOCKS)[1])


def integrated_from_blocks(power: np.ndarray) -> float:
    """BS.1770-4 gating over gating-block powers."""
    lufs = to_lufs(power)
    above = power[lufs >= ABSOLUTE_GATE_LUFS]
    if len(above) == 0:
        raise LoudnessUndetermined("no gating block above -70 LUFS")
    relative = float(to_lufs(above.mean())) + RELATIVE_GATE_LU
    gated = power[(lufs >= ABSOLUTE_GATE_LUFS) & (lufs > relative)]
    return float(to_lufs(gated.mean())) if len(gated) else float(to_lufs(above.mean()))


def range_from_short_term(power: np.ndarray) -> float | None:
    """EBU Tech 3342 over short-term powers."""
    lufs = to_lufs(power)
    above = lufs[lufs >= ABSOLUTE_GATE_LUFS]
    if len(above) == 0:
        return None
    mean = 10.0 * math.log10(float(np.mean(10.0 ** (above / 10.0))))
    gated = above[above >= mean + LRA_RELATIVE_GATE_LU]
    if len(gated) == 0:
        return None
    return float(np.percentile(gated, 95) - np.percentile(gated, 10))
