"""A channel cut into blocks of whole steps with context, and the per-step measures of loudness.

Channels arrive as int16 PCM (full scale 32768) or float32 in [-1, 1] at 16 kHz. They are
converted to float32 one block at a time, so an hour of audio never exists twice in memory:
a block is :data:`BLOCK_STEPS` steps (about 2 minutes) plus :data:`CONTEXT_STEPS` steps of
the neighbouring audio on each side (zeros beyond the ends of the channel), enough for every
context window and for the speech model's edge effects.

Blocks start at multiples of :data:`ALIGNED_STEPS` steps: the speech model cuts its input into
10 ms frames from the input's first sample, and its scores depend on where the frames fall, so
every block must put them where the whole channel would (5 steps = 5120 samples = 32 frames).
With that, a channel analysed in blocks gives exactly what it gives in one piece.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import signal as sps

from analysis.audio_jobs.vocabulary import STEP_SAMPLES, step_count

ALIGNED_STEPS = 5
BLOCK_STEPS = 2000
CONTEXT_STEPS = 64  # 4.1 s on each side
SUBFRAME_SAMPLES = 256  # 16 ms: the loudness envelope's resolution (4 per step)
DECIMATION = 16  # the 1 kHz copy keeps the band below 500 Hz: pitch and its harmonics' region
DECIMATED_RATE = 16_000 // DECIMATION


def as_float32(samples: np.ndarray) -> np.ndarray:
    """Samples as float32 in [-1, 1] (int16 is scaled by 1/32768; floats are kept)."""
    if samples.dtype == np.int16:
        return samples.astype(np.float32) / np.float32(32768.0)
    return np.asarray(samples, np.float32)


@dataclass(frozen=True)
class Block:
    """Steps ``first..stop-1`` of a channel; ``samples`` hold them with ``CONTEXT_STEPS`` steps
    of context on each side: sample 0 is the channel's sample ``(first - CONTEXT_STEPS) * 1024``."""

    first: int
    stop: int
    samples: np.ndarray  # float32

    @property
    def origin_step(self) -> int:
        """The channel step at sample 0 of ``samples`` (negative near the start)."""
        return self.first - CONTEXT_STEPS

    def step_slice(self, first: int, stop: int) -> np.ndarray:
        """The samples of channel steps ``first..stop-1`` (within the block and its context)."""
        start = (first - self.origin_step) * STEP_SAMPLES
        return self.samples[start : start + (stop - first) * STEP_SAMPLES]


def blocks(samples: np.ndarray, block_steps: int = BLOCK_STEPS) -> Iterator[Block]:
    """The channel's steps in blocks, each with context (zeros outside the channel)."""
    if block_steps <= 0 or block_steps % ALIGNED_STEPS:
        raise ValueError(f"blocks must be a positive multiple of {ALIGNED_STEPS} steps")
    steps = step_count(len(samples))
    context = CONTEXT_STEPS * STEP_SAMPLES
    for first in range(0, steps, block_steps):
        stop = min(first + block_steps, steps)
        start, end = first * STEP_SAMPLES - context, stop * STEP_SAMPLES + context
        piece = as_float32(samples[max(start, 0) : min(end, len(samples))])
        padded = np.pad(piece, (max(0, -start), max(0, end - len(samples))))
        yield Block(first, stop, padded)


@dataclass(frozen=True)
class Loudness:
    """Per-step loudness of a channel: ``mean_square`` of each step's samples (full scale 1),
    ``peak`` (max absolute sample) and a 16 ms ``envelope`` of mean squares (4 per step)."""

    mean_square: np.ndarray  # float64 (steps,)
    peak: np.ndarray  # float32 (steps,)
    envelope: np.ndarray  # float64 (steps * 4,)

    def rms_db(self) -> np.ndarray:
        """Each step's RMS level in dBFS (-120 for digital silence)."""
        return np.asarray(10.0 * np.log10(np.maximum(self.mean_square, 1e-12)))


def block_loudness(block: Block) -> Loudness:
    """The loudness of the block's own steps (not its context)."""
    own = block.step_slice(block.first, block.stop)
    squares = np.square(own)
    return Loudness(
        mean_square=np.asarray(
            np.mean(squares.reshape(-1, STEP_SAMPLES), axis=1, dtype=np.float64)
        ),
        peak=np.max(np.abs(own).reshape(-1, STEP_SAMPLES), axis=1),
        envelope=np.asarray(
            np.mean(squares.reshape(-1, SUBFRAME_SAMPLES), axis=1, dtype=np.float64)
        ),
    )


def concatenate_loudness(parts: list[Loudness]) -> Loudness:
    """The loudness of consecutive blocks as one channel's."""
    if not parts:
        empty = np.zeros(0)
        return Loudness(empty, empty.astype(np.float32), empty)
    return Loudness(
        np.concatenate([p.mean_square for p in parts]),
        np.concatenate([p.peak for p in parts]),
        np.concatenate([p.envelope for p in parts]),
    )


def block_decimated(block: Block) -> np.ndarray:
    """The block's own steps at 1 kHz (64 samples a step), low-passed below 500 Hz.

    The polyphase filter reads into the context, so block edges leave no seams.
    """
    down = sps.resample_poly(block.samples.astype(np.float64), 1, DECIMATION)
    per_step = STEP_SAMPLES // DECIMATION
    start = CONTEXT_STEPS * per_step
    return np.asarray(down[start : start + (block.stop - block.first) * per_step], np.float32)
