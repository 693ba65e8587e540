"""A tiny emotions model under the bring-your-own ONNX contract, and what it computes.

Three statistics of the 2107 ms window (mean power, peak, mean) through one dense layer and a
softmax: louder windows lean "irritated". Tests check the pipeline returns its outputs; the
benchmark runs it as the stand-in for an operator's model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

from analysis.audio_jobs.emotions import WINDOW_SAMPLES

# logits = [power, peak, mean] @ WEIGHTS + BIAS, then a softmax: louder windows lean "irritated"
WEIGHTS = np.array([[0.0, 40.0, 0.0, -40.0], [2.0, 0.0, -2.0, 0.0], [5.0, -5.0, 5.0, 0.0]])
BIAS = np.array([0.1, -0.3, 0.4, 0.0])


def build_model(path: Path, batch: int | str = "batch", width: int = WINDOW_SAMPLES) -> Path:
    """A tiny ONNX model under the contract: three statistics of the window, one dense layer."""
    x = helper.make_tensor_value_info("audio", TensorProto.FLOAT, [batch, width])
    y = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [batch, 4])
    nodes = [
        helper.make_node("Mul", ["audio", "audio"], ["squared"]),
        helper.make_node("ReduceMean", ["squared"], ["power"], axes=[1], keepdims=1),
        helper.make_node("Abs", ["audio"], ["magnitude"]),
        helper.make_node("ReduceMax", ["magnitude"], ["peak"], axes=[1], keepdims=1),
        helper.make_node("ReduceMean", ["audio"], ["mean"], axes=[1], keepdims=1),
        helper.make_node("Concat", ["power", "peak", "mean"], ["features"], axis=1),
        helper.make_node("MatMul", ["features", "weights"], ["scaled"]),
        helper.make_node("Add", ["scaled", "bias"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    initialisers = [
        helper.make_tensor("weights", TensorProto.FLOAT, [3, 4], WEIGHTS.flatten().tolist()),
        helper.make_tensor("bias", TensorProto.FLOAT, [4], BIAS.tolist()),
    ]
    graph = helper.make_graph(nodes, "emotions", [x], [y], initialisers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def expected(windows: np.ndarray) -> np.ndarray:
    """What the tiny model computes, in numpy."""
    features = np.stack(
        [np.mean(windows**2, axis=1), np.abs(windows).max(axis=1), windows.mean(axis=1)], axis=1
    )
    logits = features @ WEIGHTS + BIAS
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))
