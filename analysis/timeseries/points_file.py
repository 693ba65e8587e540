"""Points of a series from a CSV file: one ``t,value`` pair per line (t in ms), for imports too
large for one GraphQL request.

An optional first line of column names (``t,value``, ``t_ms,value``...) is skipped; blank lines
are ignored. Parsed by numpy in one pass, so a million lines take about a second.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np


class PointsFileError(ValueError):
    """The file is not a CSV of ``t,value`` lines; the message says where."""


def _has_header(path: Path) -> bool:
    with path.open("rb") as f:
        first = f.readline(4096).decode("utf-8", errors="replace").strip()
    if not first:
        return False
    try:
        [float(cell) for cell in first.split(",")]
    except ValueError:
        return True
    return False


def _load(path: Path, skip: int, max_rows: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # blank lines are not rows: intended
        return np.loadtxt(
            path,
            delimiter=",",
            skiprows=skip,
            max_rows=max_rows,
            ndmin=2,
            dtype=np.float64,
            encoding="utf-8",
        )


def read_points_csv(path: Path, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """(t_ms, values) as float64 arrays in file order; PointsFileError when malformed or longer
    than ``max_points`` lines."""
    try:
        table = _load(path, 1 if _has_header(path) else 0, max_points + 1)
    except (ValueError, UnicodeDecodeError) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else "unreadable"
        raise PointsFileError(f"the points file is not CSV of t,value lines: {detail}") from None
    if table.size == 0:
        raise PointsFileError("the points file holds no points")
    if table.shape[1] != 2:
        raise PointsFileError(f"each line must hold t,value; found {table.shape[1]} columns")
    if len(table) > max_points:
        raise PointsFileError(f"the points file holds more than {max_points} points")
    return table[:, 0].copy(), table[:, 1].copy()
