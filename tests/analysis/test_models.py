"""The model seam: pinned files verified before they load, lazily, once per process."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from analysis.errors import ModelError
from analysis.faces.packs import OPENCV_ZOO, PACKS
from analysis.models import InferenceModel, ModelFile, shared_model, verified_path
from analysis.models.catalogue import FETCHED

CONTENT = b"weights"
PIN = ModelFile("test scorer", "scorer.bin", hashlib.sha256(CONTENT).hexdigest())


class Scorer(InferenceModel[int, int]):
    """Adds the file's length to its input; counts its loads."""

    loads = 0

    def __init__(self, file: ModelFile, models_dir: Path, *, offset: int = 0) -> None:
        super().__init__(file, models_dir)
        self.offset = offset

    def _load(self, path: Path) -> None:
        type(self).loads += 1
        self.size = len(path.read_bytes())

    def _predict(self, inputs: int) -> int:
        return inputs + self.size + self.offset


def test_a_model_loads_on_first_use_once_across_threads(tmp_path: Path) -> None:
    (tmp_path / PIN.filename).write_bytes(CONTENT)
    Scorer.loads = 0
    model = Scorer(PIN, tmp_path)
    assert not model.loaded and Scorer.loads == 0
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(model.predict(1))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [1 + len(CONTENT)] * 8 and Scorer.loads == 1 and model.loaded


def test_a_missing_or_corrupt_file_names_itself_and_the_setup_command(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"test scorer model file .*scorer\.bin is missing"):
        Scorer(PIN, tmp_path).predict(0)
    (tmp_path / PIN.filename).write_bytes(b"other")
    with pytest.raises(ModelError, match=r"corrupt \(sha256 mismatch\).*`make install`"):
        verified_path(tmp_path, PIN)


def test_one_instance_per_process_for_the_same_file_and_options(tmp_path: Path) -> None:
    first = shared_model(Scorer, PIN, tmp_path, offset=1)
    assert shared_model(Scorer, PIN, tmp_path, offset=1) is first
    assert shared_model(Scorer, PIN, tmp_path, offset=2) is not first


def test_the_fetched_pins_are_the_default_packs_files() -> None:
    assert set(FETCHED) == set(OPENCV_ZOO.files)
    for model in FETCHED:
        assert model.source is not None and model.sha256 and len(model.sha256) == 64
        assert model.member.startswith(model.source.member_dir)
    unsourced = [f for pack in PACKS.values() for f in pack.files if f.source is None]
    assert all(f.sha256 is None for f in unsourced)  # brought by the user, not verified
