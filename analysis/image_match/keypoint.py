"""Keypoint matching: BRISK keypoints, a ratio test and a RANSAC homography.

Query preparation (the "measures taken to maximize the number of interesting points"): BRISK
drops every keypoint whose sampling pattern would leave the picture, so a 120x40 logo keeps
only a handful. The query is therefore padded with :data:`PAD_PX` pixels of its own border
colour (the median of its edge pixels): the pattern then fits around the logo's real corners,
and the flat pad adds none of its own. When that is still fewer than
:data:`MIN_QUERY_KEYPOINTS`, the query is also enlarged 2x before padding; below that the
image is refused (too small or too plain).

A frame's score is the share of the query's keypoints that match a frame keypoint (Lowe's
ratio test, :data:`RATIO`) *and* agree with one homography fitted by RANSAC: in [0, 1], 0 when
fewer than four matches survive or no homography is found.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from analysis.parameter_error import ParameterError

MIN_QUERY_KEYPOINTS = 10
PAD_PX = 32
RATIO = 0.8
RANSAC_REPROJECTION_PX = 5.0
_MIN_MATCHES = 4  # a homography needs four point pairs


def _brisk() -> cv2.BRISK:
    return cv2.BRISK.create()


def padded(query_bgr: np.ndarray, pad: int = PAD_PX) -> np.ndarray:
    """``query_bgr`` inside ``pad`` pixels of the median colour of its edge pixels."""
    edges = np.concatenate(
        [query_bgr[0], query_bgr[-1], query_bgr[:, 0], query_bgr[:, -1]]
    ).reshape(-1, query_bgr.shape[2] if query_bgr.ndim == 3 else 1)
    colour = [int(v) for v in np.median(edges, axis=0)]
    return cv2.copyMakeBorder(query_bgr, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=colour)


@dataclass(frozen=True)
class KeypointQuery:
    """A query image's keypoint positions and BRISK descriptors."""

    points: np.ndarray  # (n, 2) float32
    descriptors: np.ndarray  # (n, 64) uint8

    @property
    def count(self) -> int:
        return len(self.points)


def query_keypoints(query_bgr: np.ndarray) -> KeypointQuery:
    """The prepared query's keypoints; ParameterError (TOO_FEW_KEYPOINTS) under 10."""
    brisk = _brisk()
    best: KeypointQuery | None = None
    for enlarge in (1, 2):
        image = query_bgr if enlarge == 1 else cv2.resize(
            query_bgr, None, fx=enlarge, fy=enlarge, interpolation=cv2.INTER_CUBIC
        )  # fmt: skip
        grey = cv2.cvtColor(padded(image), cv2.COLOR_BGR2GRAY)
        keypoints, descriptors = brisk.detectAndCompute(grey, None)
        if descriptors is not None and (best is None or len(keypoints) > best.count):
            points = np.array([k.pt for k in keypoints], np.float32).reshape(-1, 2)
            best = KeypointQuery(points, descriptors)
        if best is not None and best.count >= MIN_QUERY_KEYPOINTS:
            return best
    found = 0 if best is None else best.count
    raise ParameterError(
        f"the query image yields {found} keypoints, fewer than {MIN_QUERY_KEYPOINTS}: too small "
        "or too plain for keypoint matching (try template matching)",
        code="TOO_FEW_KEYPOINTS",
        field="data.image_id",
    )


class KeypointMatcher:
    """Scores frames against one query (one BRISK detector and matcher per process)."""

    def __init__(self, query: KeypointQuery) -> None:
        self.query = query
        self.brisk = _brisk()
        self.matcher = cv2.BFMatcher(cv2.NORM_HAMMING)

    def score(self, frame_grey: np.ndarray) -> float:
        """The share of the query's keypoints found in place in ``frame_grey`` (0-1)."""
        keypoints, descriptors = self.brisk.detectAndCompute(frame_grey, None)
        if descriptors is None or len(keypoints) < 2:
            return 0.0
        pairs = self.matcher.knnMatch(self.query.descriptors, descriptors, k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
        if len(good) < _MIN_MATCHES:
            return 0.0
        source = self.query.points[[m.queryIdx for m in good]]
        target = np.array([keypoints[m.trainIdx].pt for m in good], np.float32)
        homography, inliers = cv2.findHomography(source, target, cv2.RANSAC, RANSAC_REPROJECTION_PX)
        if homography is None or inliers is None:
            return 0.0
        return min(1.0, int(inliers.sum()) / self.query.count)
