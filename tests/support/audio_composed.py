"""The composed stereo recording of the audio job tests, with its truth per 64 ms step.

Channel 0: silence, a male voice, music, a female voice, white noise, silence, a second male
voice (lower pitch), a second female voice. Channel 1: music, a female voice, silence, pink
noise, both male voices, music, the second female voice. About 36 s per channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.audio_jobs import ChannelAnalysis
from tests.support.audio_material import (
    SENTENCES,
    Composition,
    music,
    noise,
    silence,
    speak,
)

SPEECH_TRUTH = {
    "male": "speech",
    "female": "speech",
    "music": "music",
    "noise": "other",
    "silence": "silence",
}


def channel_0() -> Composition:
    c = Composition().add("silence", silence(1.5))
    c.add("male", speak(SENTENCES[0], "en-us+m3")).add("male", speak(SENTENCES[1], "en-us+m3"))
    c.add("music", music(6, seed=1))
    c.add("female", speak(SENTENCES[2], "en-us+f3")).add("female", speak(SENTENCES[3], "en-us+f3"))
    c.add("noise", noise(3)).add("silence", silence(1))
    c.add("male", speak(SENTENCES[4], "en-gb+m1", pitch=30))
    return c.add("female", speak(SENTENCES[5], "en-us+f2"))


def channel_1() -> Composition:
    c = Composition().add("music", music(5, seed=2))
    c.add("female", speak(SENTENCES[1], "en-us+f3")).add("silence", silence(2))
    c.add("noise", noise(3, pink=True)).add("male", speak(SENTENCES[3], "en-us+m3"))
    c.add("male", speak(SENTENCES[2], "en-gb+m1", pitch=30)).add("music", music(4, seed=3))
    return c.add("female", speak(SENTENCES[0], "en-us+f2"))


@dataclass(frozen=True)
class Composed:
    path: Path
    truth: list[list[str]]  # per channel, per 64 ms step
    analyses: list[ChannelAnalysis]  # speech, gender, arousal per channel
