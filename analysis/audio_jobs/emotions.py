"""Emotions (happy / irritated / neutral / tired): a model the operator brings, as ONNX.

No model with these classes ships under a usable licence, so ``emotions`` runs only with an
ONNX file the operator configures; without one, asking for it raises
:class:`~analysis.audio_jobs.errors.ModelUnavailable` (``MODEL_UNAVAILABLE``).

The file's contract:

- input: its first input, float32 ``[batch, 33712]``: 2107 ms of 16 kHz mono audio, full
  scale ±1, centred on the middle of a 64 ms step (zeros beyond the ends of the channel). The
  batch dimension may be fixed at 1 or dynamic (then windows go 64 at a time);
- output: its first output, float32 ``[batch, 4]``: the probabilities of happy, irritated,
  neutral and tired, in that order. Rows that are not probabilities (a negative value, or a sum
  more than 0.01 away from 1) are read as logits and put through a softmax.

The model runs once per 64 ms step, so its cost decides the job's: a model of 5 ms per window
takes about 5 minutes per hour of audio and channel.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.audio_jobs.errors import ModelUnavailable
from analysis.audio_jobs.signal import Block
from analysis.audio_jobs.vocabulary import EMOTIONS, SAMPLE_RATE, STEP_SAMPLES
from analysis.errors import ModelError
from analysis.models.inference import InferenceModel, shared_model
from analysis.models.onnx import onnx_session
from analysis.models.pins import ModelFile

WINDOW_SAMPLES = EMOTIONS.window_ms * SAMPLE_RATE // 1000  # 33712
CLASSES = EMOTIONS.classes
SETTING = "REELGRAPH_EMOTIONS_MODEL"
BATCH = 64
_WINDOWS_AT_ONCE = 64  # 8.6 MB of windows
CONTRACT = (
    f"an ONNX file whose first input is float32 [batch, {WINDOW_SAMPLES}] "
    f"({EMOTIONS.window_ms} ms of 16 kHz mono audio, full scale ±1) and whose first output is "
    f"float32 [batch, {len(CLASSES)}] (probabilities of {', '.join(CLASSES)})"
)


class EmotionsModel(InferenceModel[np.ndarray, np.ndarray]):
    """``predict(windows)``: float32 ``(n, 33712)`` → ``(n, 4)`` probabilities."""

    def __init__(self, file: ModelFile, models_dir: Path, *, threads: int = 1) -> None:
        super().__init__(file, models_dir)
        self.threads = threads

    def _load(self, path: Path) -> None:
        session = onnx_session(path, self.threads)
        inputs, outputs = session.get_inputs(), session.get_outputs()
        shape = list(inputs[0].shape) if inputs else []
        if not _follows_contract(shape):
            raise ModelError(f"emotions model {path.name} does not follow the contract: {CONTRACT}")
        self._session = session
        self._input = inputs[0].name
        self._output = outputs[0].name
        self._batch = BATCH if not isinstance(shape[0], int) else shape[0]

    def _predict(self, inputs: np.ndarray) -> np.ndarray:
        windows = np.asarray(inputs, np.float32)
        rows = []
        for start in range(0, len(windows), self._batch):
            batch = windows[start : start + self._batch]
            (scores,) = self._session.run([self._output], {self._input: batch})
            rows.append(np.asarray(scores, np.float64).reshape(len(batch), -1))
        scores = np.concatenate(rows) if rows else np.zeros((0, len(CLASSES)))
        if scores.shape[1] != len(CLASSES):
            raise ModelError(f"emotions model gave {scores.shape[1]} values, not 4: {CONTRACT}")
        return _as_probabilities(scores)


def _follows_contract(shape: list[object]) -> bool:
    """Whether an input shape is ``[batch, 33712]`` (either dimension may be dynamic)."""
    return len(shape) == 2 and (shape[1] == WINDOW_SAMPLES or not isinstance(shape[1], int))


def _as_probabilities(scores: np.ndarray) -> np.ndarray:
    """Rows of probabilities as given; rows that are not probabilities through a softmax."""
    plain = (scores >= 0).all(axis=1) & (np.abs(scores.sum(axis=1) - 1.0) <= 0.01)
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    softmax = shifted / shifted.sum(axis=1, keepdims=True)
    given = scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12)
    out = np.where(plain[:, None], given, softmax)
    return np.asarray(out, np.float32)


def emotions_model(onnx_path: Path | None, *, threads: int = 1) -> EmotionsModel:
    """The operator's emotions model at ``onnx_path`` (loaded, checked against the contract);
    :class:`ModelUnavailable` when there is none."""
    if onnx_path is None:
        raise ModelUnavailable(
            "the emotions model is not available: no offline emotions model ships with "
            f"reelgraph. To enable it, set {SETTING} to {CONTRACT}."
        )
    if not onnx_path.is_file():
        raise ModelUnavailable(
            f"the emotions model file {onnx_path.name} configured in {SETTING} does not exist"
        )
    file = ModelFile(label="emotions", filename=onnx_path.name, sha256=None)
    model = shared_model(EmotionsModel, file, onnx_path.parent, threads=threads)
    model.load()
    return model


def block_emotions_raw(model: EmotionsModel, block: Block) -> np.ndarray:
    """Raw ``(steps, 4)`` probabilities of the block's own steps."""
    steps = np.arange(block.first, block.stop) - block.origin_step
    starts = steps * STEP_SAMPLES + STEP_SAMPLES // 2 - WINDOW_SAMPLES // 2
    windows = np.lib.stride_tricks.sliding_window_view(block.samples, WINDOW_SAMPLES)
    out = np.empty((len(steps), len(CLASSES)), np.float32)
    for first in range(0, len(steps), _WINDOWS_AT_ONCE):
        chunk = starts[first : first + _WINDOWS_AT_ONCE]
        out[first : first + len(chunk)] = model.predict(windows[chunk])
    return out
