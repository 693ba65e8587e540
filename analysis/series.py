"""What the video analyses return: time series on the session's clock and frame intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SeriesInfo:
    """How a time series is listed in ``session.timeSeriesInfo``."""

    key: str
    name: str
    category: str
    units: str | None = None


@dataclass(frozen=True)
class Series:
    """Values at times in ms from the session start (both float64, same length, t ascending)."""

    key: str
    t_ms: np.ndarray
    values: np.ndarray

    def __post_init__(self) -> None:
        if self.t_ms.shape != self.values.shape or self.t_ms.ndim != 1:
            raise ValueError(f"series {self.key}: times and values differ in shape")

    def __len__(self) -> int:
        return len(self.t_ms)


@dataclass(frozen=True)
class Interval:
    """A span of the video: frames ``start_frame..end_frame`` (inclusive) shown in
    ``[start_ms, end_ms)``."""

    start_ms: float
    end_ms: float
    start_frame: int
    end_frame: int
