"""Image match over a synthesised video with a logo planted at known places, scales, angles."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from analysis.image_match.keypoint import MIN_QUERY_KEYPOINTS, query_keypoints
from analysis.image_match.params import read_match_params
from analysis.image_match.scan import run_image_match
from analysis.media.frame_scan import Box
from analysis.parameter_error import ParameterError
from tests.support.logos import background, iou, logo, plant
from tests.support.media import encode_frames

FPS = 25
FRAMES = 125
W, H = 480, 272
IMAGE = "2fe3c8df-4041-4580-8b81-5308fbbf5986"
MAX_PIXELS = 40_000_000
# (first, last frame, box, scale, angle)
PLANTED = (
    (10, 34, (60, 50), 1.0, 0),
    (45, 69, (300, 180), 1.0, 0),
    (75, 94, (200, 100), 0.5, 0),
    (100, 119, (180, 110), 1.0, 30),
)


def _frame(n: int, texture: np.ndarray) -> np.ndarray:
    image = texture.copy()
    x = (n * 7) % 400
    image[230:260, x : x + 60] = (240, 240, 240)  # a moving distractor
    for first, last, (px, py), scale, angle in PLANTED:
        if first <= n <= last:
            plant(image, logo(), px, py, scale=scale, angle=angle)
    return image


def _box(index: int) -> tuple[int, int, int, int]:
    _, _, (x, y), scale, _ = PLANTED[index]
    return x, y, x + round(120 * scale), y + round(40 * scale)


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texture = background(W, H)
    frames = np.stack([_frame(n, texture) for n in range(FRAMES)])
    return encode_frames(frames, tmp_path_factory.mktemp("match") / "logo.mp4", crf=18, fps=FPS)


def _png(image: np.ndarray) -> bytes:
    return cv2.imencode(".png", image)[1].tobytes()


def _match(video: Path, start: int, end: int, box: Box | None = None, **data: object) -> list:
    params = read_match_params({"image_id": IMAGE, **data})
    result = run_image_match(
        video, FPS, start * 40.0, end * 40.0, box, params, _png(logo()), MAX_PIXELS
    )
    return list(result.results[0].intervals) if not result.suggested else list(result.results)


def test_template_finds_each_appearance_with_its_box(video: Path) -> None:
    found = _match(video, 0, FRAMES, method="template", threshold=0.9)
    assert len(found) == 2  # the half-size and the turned logo are not found at one scale
    for interval, index in zip(found, (0, 1), strict=True):
        first, last = PLANTED[index][:2]
        assert abs(interval.start_frame - first) <= 1 and abs(interval.end_frame - last) <= 1
        assert interval.start_ms == pytest.approx(interval.start_frame * 40.0)
        assert iou(interval.box, _box(index)) >= 0.9


def test_the_request_box_is_the_search_region(video: Path) -> None:
    found = _match(video, 0, FRAMES, Box(0, 0, 240, 136), method="template", threshold=0.9)
    assert [(i.start_frame, i.end_frame) for i in found] == [(10, 34)]
    assert iou(found[0].box, _box(0)) >= 0.9  # in frame pixels, not the region's


def test_half_size_logo_needs_multiscale(video: Path) -> None:
    assert _match(video, 70, 100, method="template", threshold=0.7) == []
    found = _match(video, 70, 100, method="template", threshold=0.7, use_multiscale=True)
    assert [(i.start_frame, i.end_frame) for i in found] == [(75, 94)]
    assert iou(found[0].box, _box(2)) >= 0.9


def test_turned_logo_needs_keypoints(video: Path) -> None:
    turned = _match(video, 96, FRAMES, method="template", threshold=0.7, use_multiscale=True)
    assert turned == []
    found = _match(video, 96, FRAMES, method="keypoint", threshold=0.15)
    assert len(found) == 1
    assert abs(found[0].start_frame - 100) <= 1 and abs(found[0].end_frame - 119) <= 1
    assert found[0].box is None  # keypoint matching does not localise


def test_keypoint_suggestions(video: Path) -> None:
    suggested = _match(video, 0, FRAMES, method="keypoint")
    assert 1 <= len(suggested) <= 5
    sets = [tuple((i.start_frame, i.end_frame) for i in s.intervals) for s in suggested]
    assert len(set(sets)) == len(sets)
    # one suggestion finds exactly the three full-size appearances (upright and turned)
    spans = [((10, 34), (45, 69), (100, 119))]
    assert any(
        len(s) == 3 and all(abs(a[0] - b[0]) <= 1 and abs(a[1] - b[1]) <= 1
                            for a, b in zip(s, spans[0], strict=True))
        for s in sets
    )  # fmt: skip
    for s in suggested:
        assert s.lower < s.threshold <= s.upper


def test_small_logo_is_padded_for_keypoints() -> None:
    grey = cv2.cvtColor(logo(), cv2.COLOR_BGR2GRAY)
    bare = cv2.BRISK.create().detect(grey, None)
    assert len(bare) < MIN_QUERY_KEYPOINTS  # the border eats them
    assert query_keypoints(logo()).count >= 10 * MIN_QUERY_KEYPOINTS


def test_flat_query_image_is_refused() -> None:
    flat = np.full((60, 200, 3), (40, 160, 90), np.uint8)
    with pytest.raises(ParameterError) as refused:
        query_keypoints(flat)
    assert refused.value.code == "TOO_FEW_KEYPOINTS"
    assert "fewer than 10" in str(refused.value)


def test_threshold_sets_what_is_kept(video: Path) -> None:
    params = read_match_params({"image_id": IMAGE, "method": "template", "threshold": 0.0})
    result = run_image_match(video, FPS, 0, 400.0, None, params, _png(logo()), MAX_PIXELS)
    assert len(result.results[0].intervals) == 1  # every frame scores at least 0
