"""Mean luma of each frame of an interval (pure: a video file in, a series out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.media.frame_scan import Box, scan_frames
from analysis.series import Series, SeriesInfo

MEAN_LUMA = SeriesInfo("mean_luma", "Mean luma", "Test", "grey level")


@dataclass(frozen=True)
class MeanLumaParams:
    """``frame_step``: every how many frames one is measured."""

    frame_step: int = 1

    def __post_init__(self) -> None:
        if self.frame_step < 1:
            raise ValueError("frame_step must be at least 1")


def mean_luma(
    path: Path,
    fps: float,
    start_ms: float,
    end_ms: float,
    box: Box | None,
    params: MeanLumaParams,
    progress: Callable[[float], None] | None = None,
) -> Series:
    """The mean of the video's Y plane on every ``frame_step``-th frame of the interval."""
    t_ms: list[float] = []
    values: list[float] = []
    for index, frame in enumerate(
        scan_frames(path, fps=fps, start_ms=start_ms, end_ms=end_ms, box=box)
    ):
        if index % params.frame_step == 0:
            t_ms.append(frame.t_ms)
            values.append(float(frame.luma().mean()))
        if progress is not None:
            progress((frame.t_ms - start_ms) / (end_ms - start_ms))
    return Series(MEAN_LUMA.key, np.asarray(t_ms, float), np.asarray(values, float))
