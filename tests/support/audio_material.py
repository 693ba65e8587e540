"""Test audio synthesised with its ground truth: espeak-ng voices, music, noise and silence.

Every piece is 16 kHz float32 mono. :class:`Composition` joins labelled pieces and tells the
label of each 64 ms step (the label covering most of the step), so a test compares a model's
timeline with the truth step by step. Voices: ``en-us+m3`` and ``en-gb+m1`` (pitch 30) are male,
``en-us+f3`` and ``en-us+f2`` female; music is a synthesised arrangement (plucked melody,
chord pads, kick drum); noise is white or pink.
"""

from __future__ import annotations

import io
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

RATE = 16_000
STEP = 1024
MALE_VOICES = ("en-us+m3", "en-gb+m1")
FEMALE_VOICES = ("en-us+f3", "en-us+f2")
SENTENCES = (
    "The quick brown fox jumps over the lazy dog while the farmer watches from the gate.",
    "Yesterday we walked along the river and talked about the weather for a long time.",
    "Please remember to bring your umbrella because it might rain later this afternoon.",
    "The museum opens at nine o'clock and closes late in the evening on Fridays.",
    "A small boat drifted slowly across the harbour as the sun went down behind the hills.",
    "Our train was delayed by twenty minutes, so we bought coffee and read the newspaper.",
)


def speak(
    text: str, voice: str, *, amplitude: int = 100, pitch: int = 50, speed: int = 175
) -> np.ndarray:
    """espeak-ng's rendering of ``text`` at 16 kHz, without its leading and trailing silence
    (``scripts/setup.sh`` installs espeak-ng)."""
    command = ["espeak-ng", "--stdout", "-v", voice, "-a", str(amplitude), "-p", str(pitch)]
    command += ["-s", str(speed), text]
    wav = subprocess.run(command, capture_output=True, check=True).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        pcm = np.frombuffer(reader.readframes(reader.getnframes()), "<i2")
    samples = pcm.astype(np.float64) / 32768.0
    divisor = np.gcd(RATE, rate)
    speech = resample_poly(samples, RATE // divisor, rate // divisor)
    audible = np.flatnonzero(np.abs(speech) > 1e-3)
    return np.asarray(speech[audible[0] : audible[-1] + 1], np.float32)


def music(seconds: float, seed: int = 0, level: float = 0.3) -> np.ndarray:
    """A melody of plucked notes with harmonics over chord pads and a kick drum."""
    rng = np.random.default_rng(seed)
    y = np.zeros(int(seconds * RATE))

    def add(start_s: float, sound: np.ndarray) -> None:
        start = int(start_s * RATE)
        end = min(len(y), start + len(sound))
        if end > start:
            y[start:end] += sound[: end - start]

    def tone(
        note: float, length_s: float, harmonics: tuple[float, ...], decay: float
    ) -> np.ndarray:
        t = np.arange(int(length_s * RATE)) / RATE
        f = 440.0 * 2 ** ((note - 69) / 12)
        partials = sum(a * np.sin(2 * np.pi * f * (k + 1) * t) for k, a in enumerate(harmonics))
        return np.asarray(partials * np.exp(-decay * t))

    melody = (60, 62, 64, 65, 67, 69, 71, 72)
    for i in range(int(seconds / 0.25)):
        add(i * 0.25, tone(melody[int(rng.integers(len(melody)))], 0.5, (0.3, 0.15, 0.1, 0.075), 6))
    for i in range(int(seconds)):
        for interval in (0, 4, 7):
            add(i, tone((48, 53, 55, 57)[i % 4] + interval, 1.0, (0.1, 0.05), 0))
    kick_t = np.arange(int(0.125 * RATE)) / RATE
    kick = (
        0.5 * np.sin(2 * np.pi * (60 + 80 * np.exp(-30 * kick_t)) * kick_t) * np.exp(-20 * kick_t)
    )
    for i in range(int(seconds / 0.5)):
        add(i * 0.5, kick)
    return np.asarray(level * y / max(float(np.abs(y).max()), 1e-9), np.float32)


def noise(seconds: float, *, pink: bool = False, level: float = 0.1, seed: int = 0) -> np.ndarray:
    """White (or pink, 1/f) noise with RMS ``level``."""
    white = np.random.default_rng(seed).standard_normal(int(seconds * RATE))
    if pink:
        spectrum = np.fft.rfft(white)
        spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
        white = np.fft.irfft(spectrum, n=len(white))
    return np.asarray(level * white / white.std(), np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.float32)


@dataclass
class Composition:
    """Labelled pieces joined end to end."""

    pieces: list[tuple[str, np.ndarray]] = field(default_factory=list)

    def add(self, label: str, samples: np.ndarray) -> Composition:
        self.pieces.append((label, samples))
        return self

    @property
    def samples(self) -> np.ndarray:
        return np.concatenate([s for _, s in self.pieces]).astype(np.float32)

    def step_truth(self) -> list[str]:
        """The label covering most of each whole 64 ms step."""
        labels = np.concatenate([np.full(len(s), i) for i, (_, s) in enumerate(self.pieces)])
        steps = len(labels) // STEP
        per_step = labels[: steps * STEP].reshape(steps, STEP)
        majority = [np.bincount(row).argmax() for row in per_step]
        return [self.pieces[i][0] for i in majority]


def write_wav(path: Path, channels: list[np.ndarray]) -> Path:
    """A 16-bit WAV of the channels (padded with silence to the longest), at 16 kHz."""
    length = max(len(c) for c in channels)
    frames = np.stack([np.pad(c, (0, length - len(c))) for c in channels], axis=1)
    pcm = np.clip(np.round(frames * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(len(channels))
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(pcm.tobytes())
    return path
