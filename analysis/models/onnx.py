"""onnxruntime sessions for ONNX model files, on the CPU, with a fixed thread count."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from analysis.errors import ModelError


def _model_bytes(path: Path) -> bytes:
    """The model with initialisers removed from the graph inputs.

    SFace's exporter listed every weight as an overridable input, which stops onnxruntime from
    folding constants (about 20 % slower, and a warning per weight).
    """
    import onnx

    model = onnx.load(str(path))
    weights = {init.name for init in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in weights]
    if len(inputs) != len(model.graph.input):
        del model.graph.input[:]
        model.graph.input.extend(inputs)
    return bytes(model.SerializeToString())


def onnx_session(path: Path, threads: int) -> ort.InferenceSession:
    """A CPU session for the ONNX file at ``path`` (ModelError naming it if it cannot load)."""
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return ort.InferenceSession(_model_bytes(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnx/onnxruntime raise their own untyped errors for bad files
        raise ModelError(f"cannot load model file {path}: {exc}") from exc
