"""The numpy booster: XGBoost's rules on a hand-made model, and the pinned Voice2Gender file."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from analysis.audio_jobs.gender import FEATURE_NAMES, gender_model
from analysis.audio_jobs.steps import MODELS_DIR
from analysis.models.catalogue import AUDIO_FETCHED
from analysis.models.pins import verified_path
from analysis.models.trees import TreeEnsemble, booster_json

# two trees over two features: tree 0 splits f0 < 0.5 (missing goes right), tree 1 splits
# f1 < 2.0 (missing goes left) and then f0 < 1.0
MODEL = {
    "learner": {
        "feature_names": ["f0", "f1"],
        "learner_model_param": {"base_score": "[2.5E-1]"},
        "objective": {"name": "binary:logistic"},
        "gradient_booster": {
            "name": "gbtree",
            "model": {
                "trees": [
                    {"left_children": [1, -1, -1], "right_children": [2, -1, -1],
                     "split_indices": [0, 0, 0], "split_conditions": [0.5, -1.0, 2.0],
                     "default_left": [0, 0, 0], "split_type": [0, 0, 0]},
                    {"left_children": [1, 3, -1, -1, -1], "right_children": [2, 4, -1, -1, -1],
                     "split_indices": [1, 0, 0, 0, 0],
                     "split_conditions": [2.0, 1.0, 0.25, 0.5, -0.5],
                     "default_left": [1, 0, 0, 0, 0], "split_type": [0, 0, 0, 0, 0]},
                ]
            },
        },
    }
}  # fmt: skip


def test_rows_follow_xgboosts_split_and_missing_value_rules() -> None:
    ensemble = TreeEnsemble(MODEL)
    rows = np.array([[0.0, 0.0], [0.5, 3.0], [2.0, 1.0], [np.nan, np.nan], [0.2, np.nan]])
    # f0 < 0.5 strictly; NaN f0 goes right in tree 0; NaN f1 goes left in tree 1
    leaves = np.array([-1.0 + 0.5, 2.0 + 0.25, 2.0 - 0.5, 2.0 - 0.5, -1.0 + 0.5])
    base = math.log(0.25 / 0.75)
    assert np.allclose(ensemble.margin(rows), leaves + base)
    assert np.allclose(ensemble.probability(rows), 1 / (1 + np.exp(-(leaves + base))))


def test_the_pinned_audio_model_files_are_present_and_verified() -> None:
    for model in AUDIO_FETCHED:
        assert verified_path(MODELS_DIR, model).is_file()


def test_the_voice2gender_module_is_read_as_data(tmp_path: Path) -> None:
    booster = gender_model(MODELS_DIR)
    assert tuple(booster.ensemble.feature_names) == FEATURE_NAMES
    assert booster.ensemble.left.shape[0] == 250
    planted = tmp_path / "_model.py"
    planted.write_text("import os\nos.system('false')\nX = json.dumps({'learner': os.getcwd()})\n")
    with pytest.raises(ValueError):
        booster_json(planted)
