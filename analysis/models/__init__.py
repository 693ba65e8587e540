"""Pinned model files behind one seam: where each comes from, its sha256, and how it loads.

- :mod:`analysis.models.pins`: a :class:`ModelFile` (file name, sha256, source artifact) and
  :func:`verified_path`, the one check every model file passes before it is read, with one
  error naming the file and the set-up command.
- :mod:`analysis.models.catalogue`: every pinned file and artifact the set-up fetches
  (``scripts/fetch_models.py`` reads it; nothing downloads at run time).
- :mod:`analysis.models.inference`: :class:`InferenceModel`, lazy and locked loading with
  ``predict()`` → ``_predict()``, and :func:`shared_model`, one instance per process.
- :mod:`analysis.models.onnx`: onnxruntime sessions for ONNX files.
"""

from analysis.models.inference import InferenceModel, shared_model
from analysis.models.pins import SETUP_COMMAND, ModelFile, WheelArtifact, sha256_of, verified_path

__all__ = [
    "SETUP_COMMAND",
    "InferenceModel",
    "ModelFile",
    "WheelArtifact",
    "sha256_of",
    "shared_model",
    "verified_path",
]
