"""Arousal, a prosodic heuristic: its agreement with espeak-ng speech rendered in three styles.

High arousal is rendered louder, higher and faster (espeak-ng ``-a 170 -p 72 -s 215``), low
quieter, lower and slower (``-a 45 -p 28 -s 125``), neutral with espeak-ng's defaults; the
styles alternate on one channel, as one speaker's calm and animated passages would.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.audio_jobs import analyse_channel, arousal
from tests.support.audio_material import SENTENCES, Composition, silence, speak

STYLES = {
    "high": {"amplitude": 170, "pitch": 72, "speed": 215},
    "neutral": {},
    "low": {"amplitude": 45, "pitch": 28, "speed": 125},
}
ORDER = ("neutral", "high", "low", "neutral", "low", "high", "neutral", "high", "low")


@pytest.mark.parametrize("voice", ["en-us+m3", "en-us+f3"])
def test_arousal_agrees_with_the_rendered_style_on_most_speech_steps(voice: str) -> None:
    composition = Composition()
    for index, style in enumerate(ORDER):
        composition.add(style, speak(SENTENCES[index % len(SENTENCES)], voice, **STYLES[style]))
        composition.add("pause", silence(0.4))
    analysis = analyse_channel(composition.samples, ["speech", "arousal"])
    truth = np.array(composition.step_truth()[: analysis.steps])
    said = np.array(analysis.tracks["arousal"].decided.labels())
    scored = np.isin(truth, list(STYLES)) & np.isin(said, list(STYLES))
    agreement = float(np.mean(said[scored] == truth[scored]))
    assert scored.sum() > 300 and agreement >= 0.8, f"agreement {agreement:.1%}"
    for style in STYLES:
        assert np.mean(said[scored & (truth == style)] == style) >= 0.6, style


def test_the_description_says_it_is_a_heuristic() -> None:
    assert arousal.__doc__ is not None and "heuristic" in arousal.__doc__.splitlines()[0]
