"""Live analysis: every output step once, in order, as soon as the step has arrived, its windows
trailing it, with the results a file analysis gives for the steps those windows are centred on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from analysis.audio_jobs import StepResult, analyse_channel
from analysis.audio_jobs.errors import InvalidParameter
from analysis.audio_jobs.streaming import StreamAnalyser, delay_steps, widest_delay_steps
from analysis.audio_jobs.vocabulary import STEP_SAMPLES
from tests.support.audio_material import SENTENCES, Composition, silence, speak

PERIOD_MS = 256
CHUNK = 1600  # 100 ms frames, as a live client sends them


@dataclass(frozen=True)
class Streamed:
    pcm: np.ndarray
    truth: list[str]
    steps: list[StepResult]
    received_steps: list[int]  # whole steps received when each step was answered
    final_from: int  # steps from this index on were answered by the final call
    most_buffered: int


def _pcm(composition: Composition) -> np.ndarray:
    return np.clip(np.round(composition.samples * 32767.0), -32768, 32767).astype(np.int16)


@pytest.fixture(scope="module")
def streamed() -> Streamed:
    composition = (
        Composition()
        .add("silence", silence(2.0))
        .add("female", speak(SENTENCES[0], "en-us+f3"))
        .add("silence", silence(2.0))
        .add("male", speak(SENTENCES[1], "en-us+m3"))
        .add("silence", silence(1.5))
    )
    pcm = _pcm(composition)
    analyser = StreamAnalyser(["speech", "gender"], PERIOD_MS)
    steps: list[StepResult] = []
    received: list[int] = []
    most = 0
    for start in range(0, len(pcm), CHUNK):
        analyser.feed(pcm[start : start + CHUNK])
        answered = analyser.analyse()
        steps += answered
        received += [analyser.received_samples // STEP_SAMPLES] * len(answered)
        most = max(most, analyser.buffered_samples)
    final_from = len(steps)
    steps += analyser.analyse(final=True)
    return Streamed(pcm, composition.step_truth(), steps, received, final_from, most)


def test_every_output_step_is_answered_once_in_order(streamed: Streamed) -> None:
    whole_steps = len(streamed.pcm) // STEP_SAMPLES
    period = PERIOD_MS // 64
    assert [s.index for s in streamed.steps] == list(range(0, whole_steps, period))
    assert [s.timestamp_ms for s in streamed.steps] == [s.index * 64 for s in streamed.steps]
    assert all(set(s.models) == {"speech", "gender"} for s in streamed.steps)


def test_a_step_is_answered_as_soon_as_it_has_arrived(streamed: Streamed) -> None:
    assert widest_delay_steps(["speech", "gender"]) == 24  # gender's 3130 ms window: 24 steps back
    assert (delay_steps("speech"), delay_steps("emotions"), delay_steps("arousal")) == (8, 16, 24)
    chunk_steps = -(-CHUNK // STEP_SAMPLES)
    live = zip(streamed.steps[: streamed.final_from], streamed.received_steps, strict=True)
    for step, received in live:
        assert step.index < received <= step.index + chunk_steps + 1
    assert streamed.final_from == len(streamed.steps), "nothing waits for the stream's end"


def test_live_results_equal_a_file_analysis_where_the_windows_end(streamed: Streamed) -> None:
    """Step ``k``'s trailing window is the file's centred window of step ``k - delay``."""
    whole = analyse_channel(streamed.pcm, ["speech", "gender"])
    for model, least in (("speech", 0.97), ("gender", 0.9)):
        delay = delay_steps(model)
        same = [
            step.models[model].result == whole.step(step.index - delay).models[model].result
            for step in streamed.steps
            if step.index >= delay
        ]
        assert np.mean(same) >= least, f"{model}: {np.mean(same):.1%} of steps as in the file"
    described = [s for s in streamed.steps if s.index >= delay_steps("speech")]
    truth = [streamed.truth[s.index - delay_steps("speech")] for s in described]
    speech = [s.models["speech"].result for s in described]
    expected = ["silence" if t == "silence" else "speech" for t in truth]
    assert np.mean([p == e for p, e in zip(speech, expected, strict=True)]) >= 0.9
    delay = delay_steps("gender")
    voiced = [
        (s.models["gender"].result, streamed.truth[s.index - delay])
        for s in streamed.steps
        if s.index >= delay
    ]
    on_speech = [p == t for p, t in voiced if t in ("male", "female")]
    assert np.mean(on_speech) >= 0.9, f"gender right on {np.mean(on_speech):.1%} of speech steps"


def test_the_first_steps_hear_only_the_stream_so_far(streamed: Streamed) -> None:
    """Before a whole window has arrived, a step equals a file analysis of the audio so far."""
    for step in streamed.steps[: widest_delay_steps(["speech", "gender"]) // (PERIOD_MS // 64)]:
        heard = analyse_channel(streamed.pcm[: (step.index + 1) * STEP_SAMPLES], ["gender"])
        if step.index < delay_steps("gender"):
            assert step.models["gender"] == heard.step(0).models["gender"]


def test_the_buffer_stays_bounded(streamed: Streamed) -> None:
    analyser = StreamAnalyser(["speech", "gender"], PERIOD_MS)
    bound = analyser.history_steps + 2 * PERIOD_MS // 64 + 4
    assert streamed.most_buffered <= bound * STEP_SAMPLES + CHUNK


@pytest.mark.parametrize(
    ("models", "period", "field"),
    [("speech,loudness", 1024, "models"), ("speech", 100, "output_period"), ("", 64, "models")],
)
def test_bad_parameters_are_refused(models: str, period: int, field: str) -> None:
    with pytest.raises(InvalidParameter) as refused:
        StreamAnalyser(models.split(",") if models else [], period)
    assert refused.value.field == field
