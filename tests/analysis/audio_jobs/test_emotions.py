"""Emotions: refused without a model (MODEL_UNAVAILABLE); an operator's ONNX file under the
contract gives its own outputs, gated like every voice model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.audio_jobs import ModelUnavailable, analyse_channel, emotions_model, file_result
from analysis.audio_jobs.emotions import SETTING, WINDOW_SAMPLES
from analysis.errors import ModelError
from tests.support.audio_emotions_onnx import build_model, expected
from tests.support.audio_material import SENTENCES, music, silence, speak


def recording() -> np.ndarray:
    return np.concatenate(
        [
            silence(1),
            speak(SENTENCES[0], "en-us+m3"),
            music(3),
            speak(SENTENCES[1], "en-us+f3", amplitude=180),
        ]
    )


def test_without_a_model_emotions_is_model_unavailable_and_says_how_to_configure_one() -> None:
    with pytest.raises(ModelUnavailable) as raised:
        analyse_channel(silence(1), ["speech", "emotions"])
    assert raised.value.code == "MODEL_UNAVAILABLE"
    message = str(raised.value)
    assert SETTING in message and str(WINDOW_SAMPLES) in message
    assert "happy, irritated, neutral, tired" in message
    with pytest.raises(ModelUnavailable, match="does not exist"):
        emotions_model(Path("/nonexistent/emotions.onnx"))


@pytest.mark.parametrize("batch", ["batch", 1])
def test_an_operator_model_gives_its_own_outputs_gated_like_the_voice_models(
    tmp_path: Path, batch: int | str
) -> None:
    model = emotions_model(build_model(tmp_path / f"emotions-{batch}.onnx", batch))
    samples = recording()
    analysis = analyse_channel(samples, ["speech", "emotions"], 0.001, model)
    track = analysis.tracks["emotions"]
    centres = np.arange(analysis.steps) * 1024 + 512
    padded = np.pad(samples, WINDOW_SAMPLES)
    windows = np.stack(
        [padded[c + WINDOW_SAMPLES // 2 : c + WINDOW_SAMPLES // 2 * 3] for c in centres]
    )
    assert np.allclose(track.raw, expected(windows), atol=1e-5)
    labels = track.decided.labels()
    speech = analysis.tracks["speech"].decided.labels()
    assert labels[:10] == ["silence"] * 10
    assert all(
        e == "no_speech" for e, s in zip(labels, speech, strict=True) if s in ("music", "other")
    )
    on_speech = [e for e, s in zip(labels, speech, strict=True) if s == "speech"]
    assert on_speech and set(on_speech) <= {"happy", "irritated", "neutral", "tired"}
    document = file_result({0: analysis}, 1024, include_summary=True, include_raw_values=True)
    channel = document["channels"]["0"]
    assert set(channel["summary"]["emotions"]) == {
        "happy_fraction", "irritated_fraction", "neutral_fraction", "tired_fraction",
        "no_speech_fraction", "silence_fraction",
    }  # fmt: skip
    assert set(channel["time_series"][3]["raw"]["emotions"]) == {
        "happy", "irritated", "neutral", "tired"
    }  # fmt: skip


def test_a_model_outside_the_contract_is_refused_with_the_contract(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"float32 \[batch, 33712\]"):
        emotions_model(build_model(tmp_path / "wrong.onnx", width=16000))
