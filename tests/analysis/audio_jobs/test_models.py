"""Speech and gender timelines on the composed stereo recording, the gates, and the grid."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from analysis.audio_jobs import StepResult, analyse_channel, file_result, signal, speech
from analysis.audio_jobs.errors import InvalidParameter
from analysis.audio_jobs.steps import ChannelAnalysis
from tests.support.audio_composed import SPEECH_TRUTH, Composed
from tests.support.audio_material import SENTENCES, music, noise, silence, speak


def truth_of(composed: Composed, channel: int) -> list[str]:
    """The channel's truth per step; the shorter channel was padded with silence."""
    truth = composed.truth[channel]
    steps = composed.analyses[channel].steps
    return (truth + ["silence"] * steps)[:steps]


@pytest.mark.parametrize("channel", [0, 1])
def test_the_speech_timeline_is_right_on_90_percent_of_steps(
    composed: Composed, channel: int
) -> None:
    predicted = composed.analyses[channel].tracks["speech"].decided.labels()
    truth = [SPEECH_TRUTH[t] for t in truth_of(composed, channel)]
    right = np.mean([p == t for p, t in zip(predicted, truth, strict=True)])
    assert right >= 0.9, f"speech right on {right:.1%} of steps"
    for label in ("speech", "music", "other", "silence"):
        assert label in predicted


@pytest.mark.parametrize("channel", [0, 1])
def test_gender_is_right_on_90_percent_of_speech_steps(composed: Composed, channel: int) -> None:
    predicted = composed.analyses[channel].tracks["gender"].decided.labels()
    pairs = [(p, t) for p, t in zip(predicted, truth_of(composed, channel), strict=True)]
    on_speech = [p == t for p, t in pairs if t in ("male", "female")]
    assert np.mean(on_speech) >= 0.9, f"gender right on {np.mean(on_speech):.1%} of speech steps"


def test_the_channels_are_analysed_separately(composed: Composed) -> None:
    first, second = (a.tracks["speech"].decided.labels() for a in composed.analyses)
    assert first[:60].count("music") < 10 and second[:60].count("music") > 50


def test_voice_models_are_gated_by_volume_and_by_the_speech_model(composed: Composed) -> None:
    analysis = composed.analyses[0]
    speech = analysis.tracks["speech"].decided
    for name in ("gender", "arousal"):
        voice = analysis.tracks[name].decided
        labels, speech_labels = voice.labels(), speech.labels()
        for step, (label, said) in enumerate(zip(labels, speech_labels, strict=True)):
            if said == "silence":
                assert label == "silence" and voice.confidence[step] == 1.0
            elif said != "speech":
                assert label == "no_speech"
                assert voice.confidence[step] == speech.confidence[step]
            else:
                assert label not in ("silence", "no_speech")


def test_raw_values_hold_the_models_own_classes_and_add_up_to_one(composed: Composed) -> None:
    step = composed.analyses[0].step(100)
    assert set(step.models["speech"].raw) == {"speech", "music", "other"}
    assert set(step.models["gender"].raw) == {"male", "female"}
    assert set(step.models["arousal"].raw) == {"high", "neutral", "low"}
    for name, track in composed.analyses[0].tracks.items():
        assert np.allclose(track.raw.sum(axis=1), 1.0, atol=1e-4), name


def test_the_volume_threshold_decides_what_is_silence() -> None:
    quiet_music = music(3, level=0.002)  # RMS about 0.0005
    analyses = {
        threshold: analyse_channel(quiet_music, ["speech"], threshold)
        for threshold in (0.0, 0.001, 0.01)
    }
    share = {t: a.tracks["speech"].decided.labels().count("silence") / a.steps
             for t, a in analyses.items()}  # fmt: skip
    assert share[0.0] == 0.0 and share[0.01] == 1.0
    assert 0.0 < share[0.001] <= 1.0
    with pytest.raises(InvalidParameter):
        analyse_channel(quiet_music, ["speech"], -0.1)


def test_unknown_models_are_refused_before_any_work() -> None:
    with pytest.raises(InvalidParameter, match="unknown model 'mood'") as raised:
        analyse_channel(silence(1), ["speech", "mood"])
    assert raised.value.field == "models"


def test_blocks_leave_no_seams_and_steps_arrive_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    samples = np.concatenate(
        [speak(SENTENCES[0], "en-us+m3"), music(4), noise(2), speak(SENTENCES[1], "en-us+f3")]
    )
    whole = analyse_channel(samples, ["speech", "gender", "arousal"])
    real_blocks = signal.blocks
    monkeypatch.setattr(signal, "blocks", lambda s, block_steps=0: real_blocks(s, 35))
    monkeypatch.setattr(speech, "MODEL_STEPS", 10)
    seen: list[StepResult] = []
    pieces = analyse_channel(samples, ["speech", "gender", "arousal"], on_step=seen.append)
    for name in whole.tracks:
        assert np.allclose(whole.tracks[name].raw, pieces.tracks[name].raw, atol=1e-5)
        assert (whole.tracks[name].decided.result == pieces.tracks[name].decided.result).all()
    assert [s.index for s in seen] == list(range(whole.steps))
    assert seen[10] == pieces.step(10) and seen[10].timestamp_ms == 640
    assert list(seen[10].models) == ["speech", "gender", "arousal"]


def test_a_channel_shorter_than_a_step_has_no_steps() -> None:
    analysis: ChannelAnalysis = analyse_channel(np.zeros(1000, np.int16), ["speech", "gender"])
    assert analysis.steps == 0 and analysis.tracks["gender"].raw.shape == (0, 2)


def test_an_analysis_sent_back_from_the_process_pool_gives_the_same_result(
    composed: Composed,
) -> None:
    """Jobs analyse channels in a process pool and get them back pickled: the models in the
    copy are equal to, not identical with, the module's (an ``is`` check sent speech down the
    voice models' path)."""
    analyses = dict(enumerate(composed.analyses))
    copies = {n: pickle.loads(pickle.dumps(a)) for n, a in analyses.items()}
    options = {"include_summary": True, "include_transitions": True, "include_raw_values": True}
    assert file_result(copies, 1024, **options) == file_result(analyses, 1024, **options)
