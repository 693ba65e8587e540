"""An audio job's steps leave the pool call in batches as the analysis finishes them, block by
block, and add up to the channel's analysis."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np

from analysis.audio_jobs import step_message
from analysis.audio_jobs.signal import BLOCK_STEPS
from analysis.audio_jobs.vocabulary import SAMPLE_RATE, STEP_MS
from graph.audio_job_events import STEPS_PER_EVENT
from workers.audio_job import analyse_file_channel


def _wav(path: Path, seconds: float) -> Path:
    """Noise bursts and silence, long enough for two blocks."""
    rng = np.random.default_rng(7)
    samples = (rng.standard_normal(int(seconds * SAMPLE_RATE)) * 3000).astype("<i2")
    samples[: 5 * SAMPLE_RATE] = 0
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.tobytes())
    return path


def test_steps_are_emitted_in_batches_block_by_block(tmp_path: Path) -> None:
    batches: list[list[dict[str, Any]]] = []
    analysis = analyse_file_channel(
        _wav(tmp_path / "long.wav", 130.0), 0, ("speech",), 0.01, None, emit=batches.append
    )
    assert analysis.steps > BLOCK_STEPS, "two blocks"
    assert all(0 < len(batch) <= STEPS_PER_EVENT for batch in batches)
    ends = [batch[-1]["timestamp"] // STEP_MS for batch in batches]
    assert BLOCK_STEPS - 1 in ends, "a block's last steps go out when the block is done"
    emitted = [step for batch in batches for step in batch]
    assert emitted == [step_message(analysis.step(i), True) for i in range(analysis.steps)]


def test_without_emit_the_analysis_is_the_same(tmp_path: Path) -> None:
    path = _wav(tmp_path / "short.wav", 8.0)
    batches: list[list[dict[str, Any]]] = []
    streamed = analyse_file_channel(path, 0, ("speech",), 0.01, None, emit=batches.append)
    plain = analyse_file_channel(path, 0, ("speech",), 0.01, None)
    assert [plain.step(i) for i in range(plain.steps)] == [
        streamed.step(i) for i in range(streamed.steps)
    ]
    assert len(batches) == 1 and len(batches[0]) == plain.steps
