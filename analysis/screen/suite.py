"""The screen analyses of one interval in one decode pass, and the visual load of one request.

Keys (HeadSpin's names with underscores): ``screen_change`` and ``page_content`` are time
series (``SCREEN_SERIES``), ``low_page_content_issue`` and ``loading_animation_issue`` are
intervals. ``run_screen_analyses`` decodes the interval once and converts only what the asked
keys need: every frame's working image for screen change and loading animations, the sampled
frames' for page content. When every frame is needed the frame before the interval is decoded
as well, so the interval's first frame gets a real screen change. ``measure_page_load`` serves
one page-load request and stops decoding as soon as the screen has settled;
``poor_quality_intervals`` reads a MOS series and decodes nothing. Each module documents its
definition and thresholds; ``ScreenParams`` gathers them, every one with its default.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analysis.errors import MediaError
from analysis.media.frame_scan import Box, ScannedFrame, scan_frames
from analysis.screen.change import ChangeParams, WorkScale, changed_mask, changed_pct
from analysis.screen.content import (
    ContentParams,
    ContentSampler,
    content_pct,
    low_content_intervals,
)
from analysis.screen.loading_animation import (
    LoadingAnimation,
    LoadingAnimationParams,
    LoadingAnimationScanner,
)
from analysis.screen.page_load import PageLoad, PageLoadParams, VisualLoadTracker
from analysis.screen.poor_quality import PoorQualityParams, poor_quality_intervals
from analysis.series import Interval, Series, SeriesInfo

__all__ = [
    "SCREEN_KEYS",
    "SCREEN_SERIES",
    "ScreenParams",
    "ScreenRequest",
    "ScreenResult",
    "UnknownScreenKey",
    "check_screen_keys",
    "measure_page_load",
    "poor_quality_intervals",
    "run_screen_analyses",
]

SCREEN_KEYS = ("screen_change", "page_content", "low_page_content_issue", "loading_animation_issue")
SCREEN_SERIES: dict[str, SeriesInfo] = {
    "screen_change": SeriesInfo("screen_change", "Screen change", "Screen", "%"),
    "page_content": SeriesInfo("page_content", "Page content", "Screen", "%"),
}
_EVERY_FRAME_KEYS = frozenset({"screen_change", "loading_animation_issue"})
_CONTENT_KEYS = frozenset({"page_content", "low_page_content_issue"})
PROGRESS_STEP = 0.01  # report progress at most once per 1 % of the interval


class UnknownScreenKey(ValueError):
    """A screen analysis key that is not one of ``SCREEN_KEYS``."""

    def __init__(self, key: str) -> None:
        super().__init__(f"unknown screen analysis {key!r}; known: {', '.join(SCREEN_KEYS)}")
        self.key = key


@dataclass(frozen=True)
class ScreenParams:
    """Every threshold of the screen analyses, grouped by the module that defines it."""

    change: ChangeParams = field(default_factory=ChangeParams)
    content: ContentParams = field(default_factory=ContentParams)
    page_load: PageLoadParams = field(default_factory=PageLoadParams)
    loading_animation: LoadingAnimationParams = field(default_factory=LoadingAnimationParams)
    poor_quality: PoorQualityParams = field(default_factory=PoorQualityParams)


@dataclass(frozen=True)
class ScreenRequest:
    """Which screen analyses to run over ``[start_ms, end_ms)``, optionally inside a box."""

    start_ms: float
    end_ms: float
    keys: tuple[str, ...]
    box: Box | None = None
    params: ScreenParams = field(default_factory=ScreenParams)

    def __post_init__(self) -> None:
        if not 0 <= self.start_ms < self.end_ms:
            raise ValueError(f"need 0 <= start_ms < end_ms, not [{self.start_ms}, {self.end_ms})")


@dataclass(frozen=True)
class ScreenResult:
    series: dict[str, Series]  # the asked series keys of SCREEN_SERIES
    low_content: tuple[Interval, ...]
    loading_animations: tuple[LoadingAnimation, ...]
    frames_decoded: int  # frames shown in the interval


def check_screen_keys(keys: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The keys without repeats, in ``SCREEN_KEYS`` order; all of them when none are given."""
    for key in keys:
        if key not in SCREEN_KEYS:
            raise UnknownScreenKey(key)
    return tuple(k for k in SCREEN_KEYS if k in keys) if keys else SCREEN_KEYS


@dataclass
class _Points:
    """Per-point frame numbers, times and values gathered during a scan."""

    frames: list[int] = field(default_factory=list)
    t_ms: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    def add(self, frame: ScannedFrame, value: float) -> None:
        self.frames.append(frame.number)
        self.t_ms.append(frame.t_ms)
        self.values.append(value)

    def series(self, key: str) -> Series:
        return Series(key, np.array(self.t_ms, np.float64), np.array(self.values, np.float64))


def _frames(
    path: Path, fps: float, start_ms: float, end_ms: float, box: Box | None, reference: bool
) -> Generator[tuple[ScannedFrame, bool], None, None]:
    """Frames shown in ``[start_ms, end_ms)``, after the one before it when ``reference``;
    each with whether it is that reference frame."""
    scan_from = max(0.0, start_ms - 1000.0 / fps) if reference else start_ms
    for frame in scan_frames(path, fps=fps, start_ms=scan_from, end_ms=end_ms, box=box):
        yield frame, frame.t_ms < start_ms - 1e-6


def _frame_ms(fps: float) -> float:
    if fps <= 0:
        raise MediaError("the video has no frame rate")
    return 1000.0 / fps


def _work_scale(luma: np.ndarray, params: ChangeParams) -> WorkScale:
    return WorkScale.for_picture(luma.shape[1], luma.shape[0], params.work_long_side)


def run_screen_analyses(
    path: Path,
    fps: float,
    request: ScreenRequest,
    progress: Callable[[float], None] | None = None,
) -> ScreenResult:
    """The asked screen analyses of ``request``'s interval, from one decode pass.

    ``progress`` gets the share of the interval done (0-1) now and then, and 1.0 at the end.
    MediaError when the video cannot be decoded or the box does not fit it.
    """
    keys = check_screen_keys(request.keys)
    frame_ms = _frame_ms(fps)
    params = request.params
    every_frame = not _EVERY_FRAME_KEYS.isdisjoint(keys)
    sampling = not _CONTENT_KEYS.isdisjoint(keys)
    sampler = ContentSampler(request.start_ms, params.content.sample_hz)
    change, content = _Points(), _Points()
    scale: WorkScale | None = None
    animations: LoadingAnimationScanner | None = None
    previous: np.ndarray | None = None
    last: ScannedFrame | None = None
    decoded, reported = 0, 0.0
    span_ms = request.end_ms - request.start_ms
    for frame, is_reference in _frames(
        path, fps, request.start_ms, request.end_ms, request.box, every_frame
    ):
        sampled = sampling and not is_reference and sampler.due(frame.t_ms)
        if not is_reference:
            decoded, last = decoded + 1, frame
            done = (frame.t_ms - request.start_ms) / span_ms
            if progress is not None and done - reported >= PROGRESS_STEP:
                reported = done
                progress(done)
        if not (every_frame or sampled):
            continue
        luma = frame.luma()
        if scale is None:
            scale = _work_scale(luma, params.change)
            if "loading_animation_issue" in keys:
                origin = (request.box.x0, request.box.y0) if request.box else (0, 0)
                animations = LoadingAnimationScanner(fps, params.loading_animation, scale, origin)
        work = scale.apply(luma)
        if sampled:
            content.add(frame, content_pct(work, params.content.block_px, params.content.std_luma))
        if every_frame and not is_reference:
            mask = (
                None if previous is None else changed_mask(previous, work, params.change.noise_luma)
            )
            change.add(frame, 0.0 if mask is None else changed_pct(mask))
            if animations is not None:
                animations.add(frame.number, frame.t_ms, work, mask)
        previous = work
    if progress is not None:
        progress(1.0)
    return _result(keys, frame_ms, params, change, content, animations, last, decoded)


def _result(
    keys: tuple[str, ...],
    frame_ms: float,
    params: ScreenParams,
    change: _Points,
    content: _Points,
    animations: LoadingAnimationScanner | None,
    last: ScannedFrame | None,
    decoded: int,
) -> ScreenResult:
    series = {
        "screen_change": change.series("screen_change"),
        "page_content": content.series("page_content"),
    }
    low_content: tuple[Interval, ...] = ()
    found: tuple[LoadingAnimation, ...] = ()
    if last is not None:
        end_ms, last_frame = last.t_ms + frame_ms, last.number
        if "low_page_content_issue" in keys:
            low_content = low_content_intervals(
                np.array(content.t_ms),
                np.array(content.values),
                np.array(content.frames),
                end_ms=end_ms,
                last_frame=last_frame,
                params=params.content,
            )
        if animations is not None:
            found = animations.finish(end_ms, last_frame)
    return ScreenResult(
        series={k: s for k, s in series.items() if k in keys},
        low_content=low_content,
        loading_animations=found,
        frames_decoded=decoded,
    )


def measure_page_load(
    path: Path,
    fps: float,
    start_ms: float,
    end_ms: float,
    box: Box | None,
    params: ScreenParams = ScreenParams(),
) -> PageLoad:
    """The visual load of the page-load request ``[start_ms, end_ms)`` (page_load.py).

    Decoding stops once the screen has settled. MediaError when the video cannot be decoded,
    the box does not fit it, or no frame is shown in the interval.
    """
    tracker = VisualLoadTracker(start_ms, _frame_ms(fps), params.page_load)
    scale: WorkScale | None = None
    previous: np.ndarray | None = None
    with closing(_frames(path, fps, start_ms, end_ms, box, reference=True)) as frames:
        for frame, is_reference in frames:
            luma = frame.luma()
            scale = scale or _work_scale(luma, params.change)
            work = scale.apply(luma)
            if not is_reference:
                change = (
                    0.0
                    if previous is None
                    else changed_pct(changed_mask(previous, work, params.change.noise_luma))
                )
                content = content_pct(work, params.content.block_px, params.content.std_luma)
                if tracker.add(frame.number, frame.t_ms, change, content):
                    break
            previous = work
    result = tracker.result()
    if result is None:
        raise MediaError(f"no frame is shown in [{start_ms:.0f}, {end_ms:.0f}) ms")
    return result
