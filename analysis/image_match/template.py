"""Template matching: OpenCV ``matchTemplate`` with normalised correlation, at one or more scales.

A frame's score is the best ``TM_CCOEFF_NORMED`` value over the search region (and over the
scales for multiscale), in [-1, 1]; its box is where that best match lies, in frame pixels.
A scale is skipped when it would make the template empty or larger than the search region.
Matching runs on grey pixels: colour adds little to the correlation and triples its cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

BoxTuple = tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass(frozen=True)
class FrameMatch:
    score: float
    box: BoxTuple


class TemplateMatcher:
    """The query image's grey template at each scale, resized once per search-region size."""

    def __init__(self, query_bgr: np.ndarray, scales: tuple[float, ...] = (1.0,)) -> None:
        self.template = cv2.cvtColor(query_bgr, cv2.COLOR_BGR2GRAY)
        self.scales = scales
        self._sized: dict[tuple[int, int], list[np.ndarray]] = {}

    def templates_for(self, width: int, height: int) -> list[np.ndarray]:
        """The scaled templates that fit a ``width`` x ``height`` region (none may fit)."""
        sized = self._sized.get((width, height))
        if sized is None:
            sized = []
            h, w = self.template.shape
            for scale in self.scales:
                tw, th = round(w * scale), round(h * scale)
                if tw < 1 or th < 1 or tw > width or th > height:
                    continue
                method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
                if (tw, th) == (w, h):
                    sized.append(self.template)
                else:
                    sized.append(cv2.resize(self.template, (tw, th), interpolation=method))
            self._sized[(width, height)] = sized
        return sized

    def best(self, region_grey: np.ndarray, offset: tuple[int, int] = (0, 0)) -> FrameMatch | None:
        """The best match in ``region_grey`` (whose top-left is ``offset`` in the frame)."""
        found: FrameMatch | None = None
        for template in self.templates_for(region_grey.shape[1], region_grey.shape[0]):
            scores = cv2.matchTemplate(region_grey, template, cv2.TM_CCOEFF_NORMED)
            np.nan_to_num(scores, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            _, score, _, (x, y) = cv2.minMaxLoc(scores)
            if found is None or score > found.score:
                th, tw = template.shape
                x0, y0 = x + offset[0], y + offset[1]
                found = FrameMatch(float(score), (x0, y0, x0 + tw, y0 + th))
        return found
