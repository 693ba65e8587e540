"""XGBoost boosters evaluated in numpy: no xgboost runtime, the same arithmetic.

:class:`TreeEnsemble` reads XGBoost's JSON model format (``gbtree``, numeric splits, one
target) and sums the trees' leaf values for many rows at once: at each node a row goes left
when its feature is below the split (compared in float32, as XGBoost does) and the node's
default way when the feature is NaN (missing). The sum plus the base margin is the booster's
margin; ``binary:logistic`` boosters turn it into the positive class's probability.

:class:`BoosterModel` loads such a booster from a pinned file behind the model seam. The file
may be the JSON itself or a Python module that builds the booster from a literal
(``Booster().load_model(json.dumps({...}))``, as Voice2Gender ships it): the module is parsed,
never run; the literal (with names bound to literal lists in the module) is read with
:func:`ast.literal_eval`.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from analysis.errors import ModelError
from analysis.models.inference import InferenceModel


class TreeEnsemble:
    """A gbtree booster as padded node arrays (trees x nodes); :meth:`margin` evaluates it."""

    def __init__(self, model: dict[str, Any]) -> None:
        learner = model["learner"]
        booster = learner["gradient_booster"]
        if booster.get("name") != "gbtree":
            raise ValueError(f"unsupported booster {booster.get('name')!r}")
        trees = booster["model"]["trees"]
        if any(any(tree.get("split_type", [])) for tree in trees):
            raise ValueError("categorical splits are not supported")
        self.feature_names: list[str] = list(learner.get("feature_names") or [])
        self.objective: str = learner["objective"]["name"]
        base_score = float(str(learner["learner_model_param"]["base_score"]).strip("[]"))
        self.base_margin = (
            math.log(base_score / (1.0 - base_score))
            if self.objective == "binary:logistic"
            else base_score
        )
        width = max(len(tree["left_children"]) for tree in trees)

        def padded(key: str, dtype: type, fill: float) -> np.ndarray:
            table: np.ndarray = np.full((len(trees), width), fill, dtype)
            for row, tree in enumerate(trees):
                table[row, : len(tree[key])] = tree[key]
            return table

        self.left = padded("left_children", np.int32, -1)
        self.right = padded("right_children", np.int32, -1)
        self.feature = padded("split_indices", np.int32, 0)
        self.threshold = padded("split_conditions", np.float32, 0.0)  # the value at a leaf
        self.default_left = padded("default_left", np.bool_, 1)
        self.depth = max(_depth(tree["left_children"], tree["right_children"]) for tree in trees)

    def margin(self, features: np.ndarray) -> np.ndarray:
        """The booster's margin for each row of ``features`` (rows x features; NaN = missing)."""
        rows = np.asarray(features, np.float32)
        n_trees = self.left.shape[0]
        tree_index = np.arange(n_trees)[None, :]
        node = np.zeros((len(rows), n_trees), np.int32)
        row_index = np.arange(len(rows))[:, None]
        for _ in range(self.depth):
            left = self.left[tree_index, node]
            value = rows[row_index, self.feature[tree_index, node]]
            go_left = np.where(
                np.isnan(value),
                self.default_left[tree_index, node],
                value < self.threshold[tree_index, node],
            )
            node = np.where(left < 0, node, np.where(go_left, left, self.right[tree_index, node]))
        leaves = self.threshold[tree_index, node].astype(np.float64)
        return np.asarray(leaves.sum(axis=1) + self.base_margin)

    def probability(self, features: np.ndarray) -> np.ndarray:
        """``binary:logistic``: the positive class's probability for each row."""
        if self.objective != "binary:logistic":
            raise ValueError(f"{self.objective} boosters give no probability")
        return np.asarray(1.0 / (1.0 + np.exp(-self.margin(features))))


def _depth(left: list[int], right: list[int]) -> int:
    """The number of splits on the longest path from the root."""
    depth, level = 0, [0]
    while True:
        level = [child for n in level for child in (left[n], right[n]) if child >= 0]
        if not level:
            return depth
        depth += 1


def booster_json(path: Path) -> dict[str, Any]:
    """The booster's JSON from a ``.json`` file or from the literal a Python module builds."""
    text = path.read_text()
    if path.suffix == ".json":
        loaded: dict[str, Any] = json.loads(text)
        return loaded
    module = ast.parse(text)
    literals = {
        node.targets[0].id: node.value
        for node in module.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.List | ast.Tuple | ast.Constant)
    }

    class _BindLiterals(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return literals.get(node.id, node)

    for node in ast.walk(module):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "dumps"
            and node.args
            and isinstance(node.args[0], ast.Dict)
        ):
            value = ast.literal_eval(_BindLiterals().visit(node.args[0]))
            if isinstance(value, dict) and "learner" in value:
                return value
    raise ValueError("no booster literal found")


class BoosterModel(InferenceModel[np.ndarray, np.ndarray]):
    """``predict(features)``: rows x features (in the booster's feature order, NaN = missing)
    → the positive class's probability per row."""

    ensemble: TreeEnsemble

    def _load(self, path: Path) -> None:
        try:
            self.ensemble = TreeEnsemble(booster_json(path))
        except (ValueError, KeyError, TypeError, SyntaxError) as exc:
            raise ModelError(f"cannot read {self.file.label} model file {path}: {exc}") from exc

    def _predict(self, inputs: np.ndarray) -> np.ndarray:
        return self.ensemble.probability(inputs)
