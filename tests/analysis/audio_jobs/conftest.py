"""The composed stereo recording (:mod:`tests.support.audio_composed`), analysed once per
test run with speech, gender and arousal."""

from __future__ import annotations

import pytest

from analysis.audio_jobs import analyse_channel, decode_audio
from tests.support.audio_composed import Composed, channel_0, channel_1
from tests.support.audio_material import write_wav


@pytest.fixture(scope="session")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Composed:
    channels = [channel_0(), channel_1()]
    path = write_wav(
        tmp_path_factory.mktemp("audio") / "composed.wav", [c.samples for c in channels]
    )
    decoded = decode_audio(path)
    analyses = [analyse_channel(s, ["speech", "gender", "arousal"]) for s in decoded.channels]
    truth = [c.step_truth() for c in channels]
    return Composed(path, truth, analyses)
