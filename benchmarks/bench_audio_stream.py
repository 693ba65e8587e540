"""Live audio analysis: latency from the end of a step to its message.

    python benchmarks/bench_audio_stream.py [--seconds N] [--quick]

Plays an espeak-ng conversation (male and female voices, pauses) into a
:class:`~analysis.audio_jobs.streaming.StreamAnalyser` in real time, 100 ms frames as a live
client sends them, for a few model sets and output periods. Windows trail their step, so a step
is complete when the frame holding its last sample arrives; its latency is the time from the
step's end (its last sample, as the live source produced it) until the analyser has answered it:
the wait for the rest of that 100 ms frame plus the analysis (the message the WebSocket sends;
the local transport adds well under a millisecond). The analysis runs on this process's thread
as the route's worker thread would; when it falls behind, one analysis answers every step that
arrived meanwhile.
Prints p50, p99 and the largest latency per configuration, and how far back the results
describe (the widest model delay: windows are centred there and end at the step).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.audio_jobs.streaming import StreamAnalyser
from analysis.audio_jobs.vocabulary import SAMPLE_RATE, STEP_MS, STEP_SAMPLES
from benchmarks.bench_support import percentile, table
from tests.support.audio_material import (
    FEMALE_VOICES,
    MALE_VOICES,
    SENTENCES,
    silence,
    speak,
)

FRAME_SAMPLES = 1600  # 100 ms
CONFIGURATIONS = (
    ("speech", 64),
    ("speech", 1024),
    ("speech,gender", 1024),
    ("speech,gender,arousal", 1024),
    ("speech,gender,arousal", 256),
)


def conversation(seconds: float) -> np.ndarray:
    """Alternating voices and pauses, ``seconds`` long, as int16 PCM."""
    pieces: list[np.ndarray] = []
    voices = [v for pair in zip(MALE_VOICES, FEMALE_VOICES, strict=True) for v in pair]
    turn = 0
    while sum(map(len, pieces)) < seconds * SAMPLE_RATE:
        pieces.append(speak(SENTENCES[turn % len(SENTENCES)], voices[turn % len(voices)]))
        pieces.append(silence(0.8))
        turn += 1
    samples = np.concatenate(pieces)[: int(seconds * SAMPLE_RATE)]
    return np.clip(np.round(samples * 32767.0), -32768, 32767).astype(np.int16)


def play(pcm: np.ndarray, models: str, period_ms: int) -> list[float]:
    """Stream ``pcm`` in real time; the latency of every answered step, in seconds."""
    analyser = StreamAnalyser(models.split(","), period_ms)
    frames = math.ceil(len(pcm) / FRAME_SAMPLES)
    started = time.perf_counter()

    def arrival(sample: int) -> float:
        """When the frame holding ``sample`` (exclusive end) has arrived."""
        return started + math.ceil(sample / FRAME_SAMPLES) * FRAME_SAMPLES / SAMPLE_RATE

    def produced(sample: int) -> float:
        """When the live source produced ``sample`` (exclusive end)."""
        return started + sample / SAMPLE_RATE

    latencies: list[float] = []
    fed = 0
    while fed < frames:
        due = min(frames, int((time.perf_counter() - started) * SAMPLE_RATE / FRAME_SAMPLES))
        if due <= fed:
            time.sleep(max(0.0, arrival((fed + 1) * FRAME_SAMPLES) - time.perf_counter()))
            continue
        analyser.feed(pcm[fed * FRAME_SAMPLES : due * FRAME_SAMPLES])
        fed = due
        for step in analyser.analyse():
            latencies.append(time.perf_counter() - produced((step.index + 1) * STEP_SAMPLES))
    return sorted(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="audio per configuration")
    parser.add_argument("--quick", action="store_true", help="10 s per configuration")
    args = parser.parse_args()
    seconds = 10.0 if args.quick else args.seconds
    pcm = conversation(seconds)
    rows = []
    for models, period_ms in CONFIGURATIONS:
        latencies = play(pcm, models, period_ms)
        delay = StreamAnalyser(models.split(","), period_ms).widest_delay_steps * STEP_MS
        rows.append(
            {
                "models": models,
                "output_period ms": str(period_ms),
                "steps": str(len(latencies)),
                "describes ms back": str(delay),
                "p50 ms": f"{percentile(latencies, 0.5) * 1000:.0f}",
                "p99 ms": f"{percentile(latencies, 0.99) * 1000:.0f}",
                "max ms": f"{latencies[-1] * 1000:.0f}",
            }
        )
    print(f"{seconds:g} s of speech and pauses streamed in real time, 100 ms frames")
    table(rows)


if __name__ == "__main__":
    main()
