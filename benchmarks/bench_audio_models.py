"""All four audio models on a long stereo recording: wall time, real-time factor, peak memory.

    python benchmarks/bench_audio_models.py [--quick] [--minutes N]

Builds a stereo 16 kHz WAV (default 60 minutes; ``--quick``: 2) from a few minutes of
espeak-ng speech (male and female voices), synthesised music, noise and silence, repeated with
a different order on each channel. Then, in a fresh process, it decodes the file, runs speech,
gender, arousal and emotions (the tests' tiny ONNX model standing in for an operator's) on each
channel and builds the result document (``output_period`` 1024 with summary, transitions and
raw values). It prints the time of each part, the real-time factor per channel (seconds of
audio per second of analysis) and the analysing process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.audio_jobs import analyse_channel, decode_audio, emotions_model, file_result
from tests.support.audio_emotions_onnx import build_model
from tests.support.audio_material import (
    FEMALE_VOICES,
    MALE_VOICES,
    SENTENCES,
    music,
    noise,
    silence,
    speak,
)

MODELS = ("speech", "gender", "arousal", "emotions")
RATE = 16_000


def pieces() -> list[np.ndarray]:
    """About three minutes of varied material."""
    out = []
    for index, text in enumerate(SENTENCES * 3):
        voices = MALE_VOICES if index % 2 else FEMALE_VOICES
        out.append(speak(text, voices[index // 2 % 2]))
        out.append([music(8, seed=index), noise(3, seed=index), silence(2)][index % 3])
    return out


def write_recording(path: Path, minutes: float) -> None:
    """A stereo 16-bit WAV of ``minutes``, written in pieces (never whole in memory)."""
    import wave

    material = pieces()
    total = int(minutes * 60 * RATE)
    rng = np.random.default_rng(0)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        written = 0
        while written < total:
            left = np.concatenate([material[i] for i in rng.permutation(len(material))])
            right = np.concatenate([material[i] for i in rng.permutation(len(material))])
            length = min(len(left), len(right), total - written)
            frames = np.stack([left[:length], right[:length]], axis=1)
            writer.writeframes((np.clip(frames, -1, 1) * 32767).astype("<i2").tobytes())
            written += length


def analyse(path: Path, model_path: Path) -> dict[str, object]:
    """Decode, analyse and format ``path`` in this process; times and peak memory."""
    started = time.perf_counter()
    decoded = decode_audio(path)
    decode_s = time.perf_counter() - started
    emotions = emotions_model(model_path)
    channels = {}
    channel_s = []
    for number, samples in zip(decoded.channel_ids, decoded.channels, strict=True):
        began = time.perf_counter()
        channels[number] = analyse_channel(samples, MODELS, emotions_model=emotions)
        channel_s.append(time.perf_counter() - began)
    began = time.perf_counter()
    document = file_result(
        channels, 1024, include_summary=True, include_transitions=True, include_raw_values=True
    )
    size = len(json.dumps(document))
    output_s = time.perf_counter() - began
    return {
        "audio_s": decoded.duration_ms / 1000,
        "decode_s": decode_s,
        "channel_s": channel_s,
        "output_s": output_s,
        "result_mb": size / 1e6,
        "wall_s": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 minutes instead of 60")
    parser.add_argument("--minutes", type=float, help="length of the recording")
    parser.add_argument("--analyse", nargs=2, metavar=("WAV", "ONNX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.analyse:
        print(json.dumps(analyse(Path(args.analyse[0]), Path(args.analyse[1]))))
        return 0
    minutes = args.minutes or (2.0 if args.quick else 60.0)
    with tempfile.TemporaryDirectory() as tmp:
        wav, model = Path(tmp) / "stereo.wav", build_model(Path(tmp) / "emotions.onnx")
        began = time.perf_counter()
        write_recording(wav, minutes)
        print(f"synthesised {minutes:g} min of stereo in {time.perf_counter() - began:.1f} s")
        run = [sys.executable, __file__, "--analyse", str(wav), str(model)]
        figures = json.loads(subprocess.run(run, capture_output=True, check=True).stdout)
    audio_s = figures["audio_s"]
    print(f"audio: {audio_s / 60:.1f} min x 2 channels; models: {', '.join(MODELS)}")
    print(f"decode:  {figures['decode_s']:.1f} s")
    for number, seconds in enumerate(figures["channel_s"]):
        print(f"channel {number}: {seconds:.1f} s, {audio_s / seconds:.1f}x faster than real time")
    print(f"output:  {figures['output_s']:.1f} s ({figures['result_mb']:.1f} MB of JSON)")
    print(f"wall:    {figures['wall_s']:.1f} s; peak memory {figures['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
