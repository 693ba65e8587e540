"""The result document reproduces both DeepTone examples from their 64 ms step sequences.

Each example's transitions list its steps' results run by run with the runs' mean confidence;
the steps are rebuilt here as raw values (confidences spread around each run's mean) and go
through the same gates and rules as the models' output, then into the document.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.audio_jobs.decisions import decide_speech, decide_voice
from analysis.audio_jobs.errors import InvalidParameter
from analysis.audio_jobs.output import channel_result, file_result, step_message
from analysis.audio_jobs.steps import ChannelAnalysis, ModelTrack
from analysis.audio_jobs.vocabulary import AROUSAL, GENDER, SPEECH

# seed 002's complete example (speech and arousal, output_period=1024, volume_threshold=0.0)
SPEECH_RUNS = [(0, 448, "other", 0.7159), (448, 512, "speech", 0.624),
               (512, 768, "other", 0.6728), (768, 3968, "speech", 0.986)]  # fmt: skip
AROUSAL_RUNS = [(0, 448, "no_speech", 0.7159), (448, 512, "low", 0.3795),
                (512, 768, "no_speech", 0.6728), (768, 1216, "high", 0.4479),
                (1216, 1280, "neutral", 0.3965), (1280, 1536, "low", 0.4107),
                (1536, 2560, "high", 0.4204), (2560, 3968, "neutral", 0.4904)]  # fmt: skip
SPEECH_SUMMARY = {"music_fraction": 0.0, "other_fraction": 0.1774, "speech_fraction": 0.8226,
                  "silence_fraction": 0.0}  # fmt: skip
AROUSAL_SUMMARY = {"low_fraction": 0.0806, "high_fraction": 0.371, "neutral_fraction": 0.371,
                   "silence_fraction": 0.0, "no_speech_fraction": 0.1774}  # fmt: skip
# seed 003's gender example (output_period=4096 in its request, 1024 in its printed output)
GENDER_RUNS = [(0, 320, "silence", 1.0), (320, 704, "no_speech", 0.7723),
               (704, 768, "silence", 1.0), (768, 1408, "female", 0.9002),
               (1408, 1472, "silence", 1.0), (1472, 2880, "female", 0.7137),
               (2880, 3136, "unknown", 0.0771), (3136, 3712, "female", 0.3961),
               (3712, 3776, "silence", 1.0), (3776, 3840, "female", 0.7101),
               (3840, 3968, "silence", 1.0)]  # fmt: skip
GENDER_SUMMARY = {"male_fraction": 0, "female_fraction": 0.6774, "no_speech_fraction": 0.0968,
                  "unknown_fraction": 0.0645, "silence_fraction": 0.1613}  # fmt: skip


def per_step(runs: list[tuple[int, int, str, float]]) -> tuple[list[str], np.ndarray]:
    """Each step's result, and confidences that alternate around their run's mean."""
    results, confidences = [], []
    for start, end, result, mean in runs:
        steps = (end - start) // 64
        spread = np.array([0.01 if i % 2 == 0 else -0.01 for i in range(steps)])
        if steps % 2:
            spread[-1] = 0.0
        results += [result] * steps
        confidences += list(mean + spread if mean < 1.0 else np.ones(steps))
    return results, np.array(confidences)


def one_hot(classes: tuple[str, ...], results: list[str], confidence: np.ndarray) -> np.ndarray:
    """Raw rows whose top class is the step's result with its confidence (others share the rest)."""
    raw = np.tile(((1 - confidence) / (len(classes) - 1))[:, None], (1, len(classes)))
    for row, result in enumerate(results):
        if result in classes:
            raw[row, classes.index(result)] = confidence[row]
    return raw


def seed_002() -> ChannelAnalysis:
    speech_results, speech_conf = per_step(SPEECH_RUNS)
    arousal_results, arousal_conf = per_step(AROUSAL_RUNS)
    speech_raw = one_hot(SPEECH.classes, speech_results, speech_conf)
    silent = np.zeros(len(speech_results), bool)  # volume_threshold=0.0: nothing is silence
    speech = decide_speech(speech_raw, silent)
    arousal_raw = one_hot(AROUSAL.classes, arousal_results, arousal_conf)
    arousal = decide_voice(AROUSAL, arousal_raw, silent, speech)
    tracks = {
        "speech": ModelTrack(SPEECH, speech_raw, speech),
        "arousal": ModelTrack(AROUSAL, arousal_raw, arousal),
    }
    return ChannelAnalysis(len(silent), 0.0, np.full(len(silent), 0.01), speech_raw, tracks)


def seed_003() -> ChannelAnalysis:
    results, confidence = per_step(GENDER_RUNS)
    silent = np.array([r == "silence" for r in results])
    no_speech = np.array([r == "no_speech" for r in results])
    speech_raw = one_hot(SPEECH.classes, ["speech"] * len(results), np.full(len(results), 0.9))
    speech_raw[no_speech] = one_hot(SPEECH.classes, ["other"], np.array([0.7723]))
    speech_raw[silent] = one_hot(SPEECH.classes, ["other"], np.array([0.9]))
    female = np.where(np.isin(results, ["female", "unknown"]), (1 + confidence) / 2, 0.8)
    gender_raw = np.stack([1 - female, female], axis=1)
    speech = decide_speech(speech_raw, silent)
    gender = decide_voice(GENDER, gender_raw, silent, speech, np.ones(len(results), bool))
    mean_square = np.where(silent, 0.0, 0.01)
    tracks = {"gender": ModelTrack(GENDER, gender_raw, gender, np.ones(len(results), bool))}
    return ChannelAnalysis(len(results), 0.001, mean_square, speech_raw, tracks)


def expected_transitions(runs: list[tuple[int, int, str, float]]) -> list[dict[str, object]]:
    return [
        {"timestamp_start": s, "timestamp_end": e, "result": r, "confidence": c}
        for s, e, r, c in runs
    ]


def test_seed_002_summary_and_transitions_from_its_steps() -> None:
    analysis = seed_002()
    assert analysis.steps == 62
    out = channel_result(analysis, 1024, include_summary=True, include_transitions=True)
    assert out["summary"] == {"speech": SPEECH_SUMMARY, "arousal": AROUSAL_SUMMARY}
    assert out["transitions"] == {
        "speech": expected_transitions(SPEECH_RUNS),
        "arousal": expected_transitions(AROUSAL_RUNS),
    }


def test_seed_002_time_series_entries_decide_their_whole_period() -> None:
    entries = channel_result(seed_002(), 1024, include_raw_values=True)["time_series"]
    assert [e["timestamp"] for e in entries] == [0, 1024, 2048, 3072]
    assert [e["results"]["speech"]["result"] for e in entries] == ["other"] + ["speech"] * 3
    # at 2048 the period is half "high" (weak), half "neutral" (stronger): the example's neutral
    assert [e["results"]["arousal"]["result"] for e in entries] == [
        "no_speech", "high", "neutral", "neutral"
    ]  # fmt: skip
    first = entries[0]
    # the gated arousal carries the speech model's confidence, as the example's 0.5136
    assert first["results"]["arousal"]["confidence"] == first["results"]["speech"]["confidence"]
    assert first["raw"]["speech"]["speech"] == pytest.approx(0.389, abs=0.001)
    assert list(first) == ["timestamp", "results", "raw"]
    assert set(first["raw"]["arousal"]) == {"high", "neutral", "low"}
    assert set(first["raw"]["speech"]) == {"speech", "music", "other"}


def test_seed_003_summary_and_transitions_from_its_steps() -> None:
    out = channel_result(seed_003(), 1024, include_summary=True, include_transitions=True)
    assert out["summary"] == {"gender": GENDER_SUMMARY}
    assert out["transitions"] == {"gender": expected_transitions(GENDER_RUNS)}
    assert [e["timestamp"] for e in out["time_series"]] == [0, 1024, 2048, 3072]
    # the first second is mostly silence and other sounds: no_speech, as in the example
    assert [e["results"]["gender"]["result"] for e in out["time_series"]] == [
        "no_speech", "female", "female", "female"
    ]  # fmt: skip
    assert "raw" not in out["time_series"][0]


def test_a_64_ms_period_gives_the_steps_themselves() -> None:
    analysis = seed_002()
    entries = channel_result(analysis, 64, include_raw_values=True)["time_series"]
    assert len(entries) == analysis.steps
    for index in (0, 7, 20, 61):
        assert entries[index] == step_message(analysis.step(index), include_raw_values=True)


def test_the_document_is_json_keyed_by_channel_and_optional_parts_are_left_out() -> None:
    document = file_result({0: seed_002(), 1: seed_003()}, 2048)
    assert set(document["channels"]) == {"0", "1"}
    assert set(document["channels"]["0"]) == {"time_series"}
    assert [e["timestamp"] for e in document["channels"]["1"]["time_series"]] == [0, 2048]
    assert json.loads(json.dumps(document)) == document


@pytest.mark.parametrize("period", [0, 32, 63, 100, -64, 1000])
def test_output_period_must_be_a_positive_multiple_of_64(period: int) -> None:
    with pytest.raises(InvalidParameter, match="multiple of 64") as raised:
        channel_result(seed_002(), period)
    assert raised.value.field == "output_period" and raised.value.code == "BAD_USER_INPUT"
