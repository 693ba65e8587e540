"""``stats`` over unions of intervals against plain numpy, and the metric aliases."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.timeseries.stats import canonical_metric, interval_stats, metric_order

ALL = ["mean", "min", "max", "std", "sum", "count", "percentile 0", "percentile 97.5"]


def _reference(
    t: np.ndarray, v: np.ndarray, intervals: list[tuple[float, float]]
) -> dict[str, float]:
    chosen = sorted({i for a, b in intervals for i in range(len(t)) if a <= t[i] < b})
    x = v[chosen]
    if not len(x):
        return {"sum": 0.0, "count": 0.0}
    return {
        "mean": float(np.mean(x)),
        "percentile 0.0": float(np.percentile(x, 0)),
        "percentile 97.5": float(np.percentile(x, 97.5)),
        "min": float(np.min(x)),
        "max": float(np.max(x)),
        "std": float(np.std(x)),
        "sum": float(np.sum(x)),
        "count": float(len(x)),
    }


@pytest.mark.parametrize("seed", range(100))
def test_stats_equal_numpy_over_the_union_of_intervals(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 60))
    t = np.sort(rng.uniform(0, 1000, size=n))
    v = rng.normal(3, 1, size=n)
    intervals = []
    for _ in range(int(rng.integers(1, 4))):  # overlapping intervals count each sample once
        a = float(rng.uniform(0, 900))
        intervals.append((a, a + float(rng.uniform(1, 400))))
    got = interval_stats(t, v, intervals, [canonical_metric(m) for m in ALL])
    want = _reference(t, v, intervals)
    assert list(got) == list(want)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_the_seeds_group_computes_the_union_of_metrics() -> None:
    """Steps 1-3: 25/50/75, then 90, then mean and 50 → mean, 25, 50, 75, 90."""
    asked = [["percentile 25", "percentile 50", "percentile 75"], ["percentile 90"]]
    asked.append(["mean", "percentile 50"])
    names = metric_order(canonical_metric(m) for group in asked for m in group)
    assert names == [
        "mean",
        "percentile 25.0",
        "percentile 50.0",
        "percentile 75.0",
        "percentile 90.0",
    ]


def test_intervals_are_half_open() -> None:
    t = np.array([0.0, 10.0, 20.0])
    v = np.array([1.0, 2.0, 3.0])
    assert interval_stats(t, v, [(0, 10), (20, 21)], ["count", "sum"]) == {
        "sum": 4.0,
        "count": 2.0,
    }


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("percentile 25", "percentile 25.0"),
        ("percentile 97.5", "percentile 97.5"),
        ("percentile 33.333", "percentile 33.33"),
        ("percentile 0", "percentile 0.0"),
        ("percentile 100", "percentile 100.0"),
        ("percentile  50.005", "percentile 50.01"),
        ("mean", "mean"),
        ("count", "count"),
    ],
)
def test_metric_aliases(alias: str, name: str) -> None:
    assert canonical_metric(alias) == name


@pytest.mark.parametrize(
    "alias", ["median", "percentile", "percentile 101", "percentile -1", "percentile x", "avg", ""]
)
def test_bad_metric_aliases_name_themselves(alias: str) -> None:
    with pytest.raises(ValueError, match="metric"):
        canonical_metric(alias)


def test_no_sample_leaves_only_count_and_sum() -> None:
    empty = np.array([], dtype=np.float64)
    assert interval_stats(empty, empty, [(0, 1)], ["mean", "count", "sum", "std"]) == {
        "sum": 0.0,
        "count": 0.0,
    }
