"""The seam every model runs behind: lazy, locked loading and one instance per process.

A subclass names its :class:`~analysis.models.pins.ModelFile`, loads it in ``_load`` and
runs it in ``_predict``; callers use :meth:`InferenceModel.predict` (or :meth:`load` to fail
early). :func:`shared_model` hands every caller in a process the same instance, so a model's
session is built once per process (each process-pool worker builds its own).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Hashable
from pathlib import Path
from typing import Any, Generic, TypeVar

from analysis.models.pins import ModelFile, verified_path

InputT = TypeVar("InputT")
OutputT = TypeVar("OutputT")
ModelT = TypeVar("ModelT", bound="InferenceModel[Any, Any]")


class InferenceModel(ABC, Generic[InputT, OutputT]):
    """A model file verified and loaded on first use, under a lock; ``predict()`` runs it."""

    def __init__(self, file: ModelFile, models_dir: Path) -> None:
        self.file = file
        self.models_dir = models_dir
        self._lock = threading.Lock()
        self._loaded = False

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Verify the file against its pin and load it, once (ModelError names a bad file)."""
        if self._loaded:
            return
        with self._lock:
            if not self._loaded:
                self._load(verified_path(self.models_dir, self.file))
                self._loaded = True

    def predict(self, inputs: InputT) -> OutputT:
        """Run the model on ``inputs``, loading it first if needed."""
        if not self._loaded:
            self.load()
        return self._predict(inputs)

    @abstractmethod
    def _load(self, path: Path) -> None:
        """Build the session from the verified file."""

    @abstractmethod
    def _predict(self, inputs: InputT) -> OutputT:
        """Run the loaded model."""


_shared: dict[tuple[Hashable, ...], InferenceModel[Any, Any]] = {}
_shared_lock = threading.Lock()


def shared_model(
    cls: type[ModelT], file: ModelFile, models_dir: Path, **options: Hashable
) -> ModelT:
    """This process's one instance of ``cls`` for that file and those options (not yet loaded)."""
    key = (cls, file, models_dir, *sorted(options.items()))
    with _shared_lock:
        model = _shared.get(key)
        if model is None:
            model = _shared[key] = cls(file, models_dir, **options)
    assert isinstance(model, cls)
    return model
