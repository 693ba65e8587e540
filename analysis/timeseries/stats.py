"""The ``stats`` method: summary statistics of the samples inside a union of intervals.

A sample counts when its time lies in any of the intervals (``[start, end)``, each sample once
however many intervals cover it). The metrics match numpy's defaults: ``std`` is the population
standard deviation (``ddof=0``) and ``percentile <q>`` uses linear interpolation between the
two nearest ranks (``np.percentile``'s default method). ``percentile <q>`` takes q in
[0, 100], rounded to 2 decimals, and is reported as ``percentile <float(q)>`` ("percentile
25.0"). With no sample, only ``count`` (0) and ``sum`` (0) have a value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

PLAIN_METRICS = ("mean", "min", "max", "std", "sum", "count")
_PERCENTILE = re.compile(r"^percentile\s+([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$")


def canonical_metric(alias: str) -> str:
    """The stored name of a metric alias; ValueError naming the alias when it is not one."""
    text = alias.strip() if isinstance(alias, str) else alias
    if text in PLAIN_METRICS:
        return str(text)
    match = _PERCENTILE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"unknown metric {alias!r}; use mean, min, max, std, sum, count or 'percentile <q>'"
        )
    q = round(float(match.group(1)), 2)
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"metric {alias!r}: the percentile must be between 0 and 100")
    return f"percentile {q + 0.0}"  # + 0.0: "-0.0" becomes "0.0"


def metric_order(metrics: Iterable[str]) -> list[str]:
    """Canonical metrics, each once: mean, the percentiles ascending, then the others."""
    unique = set(metrics)
    percentiles = sorted((m for m in unique if m.startswith("percentile ")), key=_q)
    rest = [m for m in PLAIN_METRICS if m in unique and m != "mean"]
    return (["mean"] if "mean" in unique else []) + percentiles + rest


def _q(metric: str) -> float:
    return float(metric.split(" ", 1)[1])


def in_union(t_ms: np.ndarray, intervals: Sequence[tuple[float, float]]) -> np.ndarray:
    """Which times lie in at least one ``[start, end)`` interval (``t_ms`` ascending)."""
    t = np.asarray(t_ms, dtype=np.float64)
    mask = np.zeros(len(t), dtype=bool)
    for start, end in intervals:
        a = int(np.searchsorted(t, start, side="left"))
        b = int(np.searchsorted(t, end, side="left"))
        mask[a:b] = True
    return mask


def compute_stats(values: np.ndarray, metrics: Iterable[str]) -> dict[str, float]:
    """Each canonical metric over ``values`` (NaN-free); metrics without a value are left out."""
    v = np.asarray(values, dtype=np.float64)
    order = metric_order(metrics)
    out: dict[str, float] = {}
    if len(v) == 0:
        for name in order:
            if name in ("count", "sum"):
                out[name] = 0.0
        return out
    percentiles = [m for m in order if m.startswith("percentile ")]
    if percentiles:
        found = np.percentile(v, [_q(m) for m in percentiles])
        out.update({m: float(x) for m, x in zip(percentiles, found, strict=True)})
    plain = {
        "mean": lambda: float(np.mean(v)),
        "min": lambda: float(np.min(v)),
        "max": lambda: float(np.max(v)),
        "std": lambda: float(np.std(v)),
        "sum": lambda: float(np.sum(v)),
        "count": lambda: float(len(v)),
    }
    for name in order:
        if name in plain:
            out[name] = plain[name]()
    return {m: out[m] for m in order if m in out and math.isfinite(out[m])}


def interval_stats(
    t_ms: np.ndarray,
    values: np.ndarray,
    intervals: Sequence[tuple[float, float]],
    metrics: Iterable[str],
) -> dict[str, float]:
    """The metrics of the samples in the union of ``intervals``."""
    mask = in_union(t_ms, intervals)
    return compute_stats(np.asarray(values, dtype=np.float64)[mask], metrics)
