"""Visual page load: how long a page took to draw, from the start of a page-load request.

Definition. Within a request ``[start_ms, end_ms)`` every frame gets its screen change (change.py,
against the frame before it, including the frame before ``start_ms``) and its page content
(content.py). A frame is a *significant change* when its screen change reaches
``settle_change_pct`` (0.5 % of the screen by default). The screen *settles* at frame ``k``
when ``k`` is the latest significant change (or the first frame, if none came yet), the screen
then stays below ``settle_change_pct`` for at least ``settle_ms`` (1000 ms by default: frame
``k`` is shown from ``t_k`` until the next significant change, or the current frame's end), and
frame ``k`` carries at least ``settle_min_content_pct`` of page content (1 % by default: a blank
screen waiting for the network has not loaded, a page with only a logo has). The page loaded at
the first frame where the screen settles: ``loaded_ms = t_k`` and ``load_time_ms = t_k -
start_ms``. When the request ends before the screen settles, ``settled`` is False and the
latest significant change is reported.

This is the "visually complete" / "last visual change" of video-based web performance testing
(WebPageTest, https://docs.webpagetest.org/metrics/speedindex/), measured from the request's
start instead of a navigation event; HeadSpin's "page-load" analysis is known here only by its
name, and this is the common video-based reading of a visual load time. Taking the *first*
settling, not the last change of the request, keeps a later scroll or tap out of the load time;
a load that pauses on a drawn screen for ``settle_ms`` or more ends there, so raise
``settle_ms`` for pages that load in bursts.
"""

from __future__ import annotations

from dataclasses import dataclass

SETTLE_CHANGE_PCT = 0.5
SETTLE_MS = 1000.0
SETTLE_MIN_CONTENT_PCT = 1.0


@dataclass(frozen=True)
class PageLoadParams:
    """Thresholds of the visual page load."""

    settle_change_pct: float = SETTLE_CHANGE_PCT  # a frame changing this much is significant
    settle_ms: float = SETTLE_MS  # the screen must stay still this long to have settled
    settle_min_content_pct: float = SETTLE_MIN_CONTENT_PCT  # a settled page shows this much

    def __post_init__(self) -> None:
        if self.settle_ms <= 0:
            raise ValueError(f"settle_ms must be positive, not {self.settle_ms}")


@dataclass(frozen=True)
class PageLoad:
    """The visual load of one page-load request."""

    start_ms: float  # the request's start
    loaded_ms: float  # when the frame showing the loaded page appeared
    load_time_ms: float  # loaded_ms - start_ms
    settled: bool  # False: the request ended before the screen settled
    start_frame: int  # first frame shown in the request
    loaded_frame: int


class VisualLoadTracker:
    """Follows one request frame by frame and says when the screen has settled."""

    def __init__(self, start_ms: float, frame_ms: float, params: PageLoadParams) -> None:
        self._start_ms = start_ms
        self._frame_ms = frame_ms
        self._params = params
        self._start_frame: int | None = None
        self._loaded: tuple[int, float, float] | None = None  # frame, t_ms, page content
        self._settled = False

    @property
    def settled(self) -> bool:
        return self._settled

    def add(self, number: int, t_ms: float, change_pct: float, content_pct: float) -> bool:
        """Takes the request's next frame; True once the screen has settled."""
        if self._settled:
            return True
        if self._start_frame is None:
            self._start_frame = number
        if self._loaded is None or change_pct >= self._params.settle_change_pct:
            self._loaded = (number, t_ms, content_pct)
        _, loaded_ms, loaded_content = self._loaded
        still_ms = t_ms + self._frame_ms - loaded_ms
        self._settled = bool(
            still_ms >= self._params.settle_ms - 1e-6
            and loaded_content >= self._params.settle_min_content_pct
        )
        return self._settled

    def result(self) -> PageLoad | None:
        """The page load so far; None when no frame was added."""
        if self._start_frame is None or self._loaded is None:
            return None
        frame, loaded_ms, _ = self._loaded
        return PageLoad(
            start_ms=float(self._start_ms),
            loaded_ms=float(loaded_ms),
            load_time_ms=float(loaded_ms - self._start_ms),
            settled=self._settled,
            start_frame=self._start_frame,
            loaded_frame=frame,
        )
