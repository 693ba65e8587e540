"""The video quality suite over one interval of a video: one decode pass, the requested keys only.

A ``video-content`` label names an interval, an optional box and the analysis keys to run (all
of them when it names none). ``run_quality_suite`` decodes the interval once
(``scan_frames``, cropped to the box) and hands each frame to the keys that want it:

- the six picture metrics (``metrics.py``) every ``k``-th frame, ``k = max(1, round(fps /
  sample_hz))`` counted from the interval's first frame (10 a second by default);
- ``video_quality_mos`` (``mos.py``) likewise at ``mos_hz`` (2 a second: BRISQUE costs tens of
  ms a frame);
- ``screen_freezing`` (``freezes.py``) every frame: a freeze's ends must be exact to a frame.

A point's time is its frame's presentation time in ms from the stream's first frame. Every
metric but colourfulness reads the decoder's luma plane, so most sampled frames are never
converted to colour. Resolution: brightness, contrast, blurriness, blockiness and the
downsampling index run at the box's full resolution (the last three measure pixel-scale
detail, which shrinking changes, and all five cost 1-3 ms on 720p); colourfulness at half size
(4:2:0 chroma is half-size already); BRISQUE at full size up to ``mos_max_side``; freeze
detection on a picture ``freeze_scan_width`` wide.

The function is top-level and takes and returns frozen dataclasses, so a worker can run it in
a process pool.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analysis.errors import MediaError
from analysis.media.frame_scan import Box, ScannedFrame, scan_frames
from analysis.quality import metrics, mos
from analysis.quality.freezes import (
    FREEZE_MAX_MEAN_DIFF,
    FREEZE_SCAN_WIDTH,
    MIN_FREEZE_MS,
    FreezeDetector,
)
from analysis.series import Interval, Series, SeriesInfo

QUALITY_KEYS = (
    "blockiness",
    "blurriness",
    "brightness",
    "colorfulness",
    "contrast",
    "downsampling_index",
    "screen_freezing",
    "video_quality_mos",
)
SCREEN_FREEZING = "screen_freezing"
VIDEO_QUALITY_MOS = "video_quality_mos"
_CATEGORY = "Video Quality"
QUALITY_SERIES: dict[str, SeriesInfo] = {
    info.key: info
    for info in (
        SeriesInfo("blockiness", "Blockiness", _CATEGORY, None),
        SeriesInfo("blurriness", "Blurriness", _CATEGORY, None),
        SeriesInfo("brightness", "Brightness", _CATEGORY, "%"),
        SeriesInfo("colorfulness", "Colorfulness", _CATEGORY, None),
        SeriesInfo("contrast", "Contrast", _CATEGORY, "%"),
        SeriesInfo("downsampling_index", "Downsampling Index", _CATEGORY, None),
        SeriesInfo(VIDEO_QUALITY_MOS, "Video Quality MOS", _CATEGORY, "MOS (1-5)"),
    )
}
SAMPLE_HZ = 10.0
MOS_HZ = 2.0
PROGRESS_STEP = 0.01  # report progress at most once per 1 % of the interval


class UnknownAnalysisKey(ValueError):
    """An analysis key the video quality suite does not know."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"unknown video quality analysis key {key!r}; known keys: {', '.join(QUALITY_KEYS)}"
        )
        self.key = key


@dataclass(frozen=True)
class QualityParams:
    """Sampling rates and thresholds; the defaults are documented in each module."""

    sample_hz: float = SAMPLE_HZ
    mos_hz: float = MOS_HZ
    blur_filter_taps: int = metrics.BLUR_FILTER_TAPS
    mos_max_side: int = mos.MOS_MAX_SIDE
    freeze_scan_width: int = FREEZE_SCAN_WIDTH
    freeze_max_mean_diff: float = FREEZE_MAX_MEAN_DIFF
    min_freeze_ms: float = MIN_FREEZE_MS

    def __post_init__(self) -> None:
        if not (self.sample_hz > 0 and self.mos_hz > 0):
            raise ValueError("sample_hz and mos_hz must be positive")
        if self.blur_filter_taps < 2 or self.mos_max_side < 32 or self.freeze_scan_width < 1:
            raise ValueError("blur_filter_taps, mos_max_side or freeze_scan_width is too small")
        if self.freeze_max_mean_diff < 0 or self.min_freeze_ms < 0:
            raise ValueError("freeze thresholds must not be negative")


@dataclass(frozen=True)
class QualityRequest:
    """One interval of the video (``end_ms`` may be ``inf``: to the end) and what to run."""

    start_ms: float
    end_ms: float
    keys: tuple[str, ...]
    box: Box | None = None
    params: QualityParams = field(default_factory=QualityParams)


@dataclass(frozen=True)
class QualityResult:
    """One series per requested series key, the freezes, and how the time went.

    ``seconds`` holds the time spent per key (the first key to read a frame's pixels pays for
    reading them out) and ``"decode"`` for decoding and everything else in the pass.
    """

    series: dict[str, Series]
    freezes: tuple[Interval, ...]
    frames_decoded: int
    seconds: dict[str, float] = field(default_factory=dict)


def check_keys(keys: Iterable[str] | None) -> tuple[str, ...]:
    """The keys to run, in ``QUALITY_KEYS`` order; all of them for none; UnknownAnalysisKey."""
    wanted = set()
    for key in keys or ():
        if key not in QUALITY_KEYS:
            raise UnknownAnalysisKey(key)
        wanted.add(key)
    return tuple(k for k in QUALITY_KEYS if k in wanted) if wanted else QUALITY_KEYS


def frame_step(fps: float, hz: float) -> int:
    """Every how many frames a ``hz`` sampling takes one: ``max(1, round(fps / hz))``."""
    return max(1, round(fps / hz))


Measure = Callable[[ScannedFrame], float]


def _measures(params: QualityParams, box: Box | None) -> dict[str, Measure]:
    origin = (0, 0) if box is None else (box.x0, box.y0)
    return {
        "blockiness": lambda f: metrics.blockiness(f.luma(), origin),
        "blurriness": lambda f: metrics.blurriness(f.luma(), params.blur_filter_taps),
        "brightness": lambda f: metrics.brightness(f.luma()),
        "colorfulness": lambda f: metrics.colorfulness(f.bgr()),
        "contrast": lambda f: metrics.contrast(f.luma()),
        "downsampling_index": lambda f: metrics.downsampling_index(f.luma()),
        VIDEO_QUALITY_MOS: lambda f: mos.video_quality_mos(f.luma(), params.mos_max_side),
    }


@dataclass
class _Sampler:
    key: str
    step: int
    measure: Measure
    t_ms: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def take(self, index: int, frame: ScannedFrame) -> None:
        if index % self.step == 0:
            started = time.perf_counter()
            self.values.append(self.measure(frame))
            self.seconds += time.perf_counter() - started
            self.t_ms.append(frame.t_ms)

    def series(self) -> Series:
        return Series(self.key, np.asarray(self.t_ms, float), np.asarray(self.values, float))


def run_quality_suite(
    path: Path,
    fps: float,
    request: QualityRequest,
    progress: Callable[[float], None] | None = None,
) -> QualityResult:
    """Run the requested quality keys over ``[start_ms, end_ms)`` of the video in one pass.

    ``progress`` gets the share of the interval done (0-1) now and then, and 1.0 at the end.
    UnknownAnalysisKey for a key the suite does not know; MediaError for undecodable media or
    a box outside the picture; ModelError when the BRISQUE model files are missing or corrupt.
    """
    keys = check_keys(request.keys)
    start_ms, end_ms = request.start_ms, request.end_ms
    if not (0.0 <= start_ms < end_ms):
        raise ValueError(f"empty or negative interval [{start_ms}, {end_ms}) ms")
    if not fps > 0:
        raise MediaError("the video has no frame rate")
    params = request.params
    if VIDEO_QUALITY_MOS in keys:
        mos.brisque_model()  # a missing or corrupt model fails before decoding anything
    measures = _measures(params, request.box)
    samplers = [
        _Sampler(key, frame_step(fps, _rate_hz(key, params)), measures[key])
        for key in keys
        if key in QUALITY_SERIES
    ]
    freezes = (
        FreezeDetector(
            1000.0 / fps,
            scan_width=params.freeze_scan_width,
            max_mean_diff=params.freeze_max_mean_diff,
            min_freeze_ms=params.min_freeze_ms,
        )
        if SCREEN_FREEZING in keys
        else None
    )
    freeze_seconds, reported, frames = 0.0, 0.0, 0
    span_ms = end_ms - start_ms
    started = time.perf_counter()
    scan = scan_frames(path, fps=fps, start_ms=start_ms, end_ms=_finite(end_ms), box=request.box)
    for index, frame in enumerate(scan):
        frames = index + 1
        for sampler in samplers:
            sampler.take(index, frame)
        if freezes is not None:
            before = time.perf_counter()
            freezes.add(frame.number, frame.t_ms, frame.luma())
            freeze_seconds += time.perf_counter() - before
        done = (frame.t_ms - start_ms) / span_ms
        if progress is not None and done - reported >= PROGRESS_STEP:
            reported = done
            progress(done)
    if progress is not None:
        progress(1.0)
    seconds = {s.key: s.seconds for s in samplers}
    if freezes is not None:
        seconds[SCREEN_FREEZING] = freeze_seconds
    seconds["decode"] = time.perf_counter() - started - sum(seconds.values())
    return QualityResult(
        series={s.key: s.series() for s in samplers},
        freezes=freezes.finish() if freezes is not None else (),
        frames_decoded=frames,
        seconds=seconds,
    )


def _rate_hz(key: str, params: QualityParams) -> float:
    return params.mos_hz if key == VIDEO_QUALITY_MOS else params.sample_hz


def _finite(end_ms: float) -> float | None:
    return end_ms if math.isfinite(end_ms) else None
