"""image-match-request data, template scales and threshold suggestions on known scores."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.image_match.intervals import FrameScores, intervals_at, suggest_thresholds
from analysis.image_match.params import DEFAULT_SCALING_FACTORS, read_match_params
from analysis.image_match.template import TemplateMatcher
from analysis.parameter_error import ParameterError
from tests.support.logos import logo

IMAGE = "2fe3c8df-4041-4580-8b81-5308fbbf5986"


def test_the_seeds_examples_parse() -> None:
    template = read_match_params({"method": "template", "image_id": IMAGE, "threshold": 0.9})
    assert (template.threshold, template.scales) == (0.9, (1.0,))
    multi = read_match_params(
        {"method": "template", "image_id": IMAGE, "threshold": 0.7, "use_multiscale": True}
    )
    assert multi.scales == DEFAULT_SCALING_FACTORS == (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
    custom = read_match_params(
        {"method": "template", "image_id": IMAGE, "threshold": 0.7, "use_multiscale": True,
         "scaling_factors": [0.25, 0.35, 0.4, 0.6, 0.8]}
    )  # fmt: skip
    assert custom.scales == (0.25, 0.35, 0.4, 0.6, 0.8)
    assert read_match_params({"method": "keypoint", "image_id": IMAGE}).threshold is None
    assert read_match_params({"method": "keypoint", "image_id": IMAGE, "threshold": 0.8})


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"method": "sift", "image_id": IMAGE}, "UNKNOWN_MATCH_METHOD", "data.method"),
        ({"image_id": IMAGE}, "UNKNOWN_MATCH_METHOD", "data.method"),
        ({"method": "keypoint", "image_id": "x"}, "INVALID_QUERY_IMAGE_ID", "data.image_id"),
        ({"method": "keypoint"}, "INVALID_QUERY_IMAGE_ID", "data.image_id"),
        ({"method": "keypoint", "image_id": IMAGE, "threshold": 1.5}, "INVALID_PARAMETER",
         "data.threshold"),
        ({"method": "keypoint", "image_id": IMAGE, "threshold": -0.1}, "INVALID_PARAMETER",
         "data.threshold"),
        ({"method": "template", "image_id": IMAGE, "threshold": "0.9"}, "INVALID_PARAMETER",
         "data.threshold"),
        ({"method": "template", "image_id": IMAGE}, "INVALID_PARAMETER", "data.threshold"),
        ({"method": "template", "image_id": IMAGE, "threshold": 0.7, "use_multiscale": 1},
         "INVALID_PARAMETER", "data.use_multiscale"),
        ({"method": "template", "image_id": IMAGE, "threshold": 0.7, "scaling_factors": [0]},
         "INVALID_PARAMETER", "data.scaling_factors"),
        ({"method": "template", "image_id": IMAGE, "threshold": 0.7, "scaling_factors": []},
         "INVALID_PARAMETER", "data.scaling_factors"),
    ],
)  # fmt: skip
def test_bad_data_is_refused(data: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(ParameterError) as refused:
        read_match_params(data)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_scales_that_empty_the_template_or_outgrow_the_region_are_skipped() -> None:
    matcher = TemplateMatcher(logo(), (0.001, 0.5, 1.0, 2.0, 10.0))
    sizes = [t.shape for t in matcher.templates_for(200, 60)]
    assert sizes == [(20, 60), (40, 120)]  # 0.001 empties it; 2.0 (80 rows) and 10 outgrow
    assert matcher.templates_for(100, 30) == [matcher.templates_for(100, 30)[0]]
    assert TemplateMatcher(logo()).best(np.zeros((30, 100), np.uint8)) is None


def _scores(values: list[float]) -> FrameScores:
    n = len(values)
    return FrameScores(
        np.arange(n) * 40.0, np.arange(n), np.asarray(values), (None,) * n, n * 40.0, n - 1
    )


def test_suggestions_sit_where_the_intervals_change() -> None:
    scores = _scores([0, 0.9, 0.93, 0.9, 0, 0, 0.5, 0.55, 0, 0.12, 0, 0.8, 0.81, 0.8, 0.05, 0])
    suggested = suggest_thresholds(scores)
    assert 1 <= len(suggested) <= 5
    seen = set()
    for s in suggested:
        found = tuple((i.start_frame, i.end_frame) for i in s.intervals)
        assert found not in seen  # each suggestion yields its own set of intervals
        seen.add(found)
        assert s.lower < s.threshold <= s.upper
        for inside in (s.upper, s.threshold, (s.lower + s.upper) / 2, s.lower + 1e-9):
            assert intervals_at(scores, inside) == s.intervals  # tuning inside changes nothing
        assert intervals_at(scores, s.lower) != s.intervals  # at or past either end it changes
        assert intervals_at(scores, s.upper + 1e-9) != s.intervals
    # the widest gap (0.12 → 0.5) is suggested, written with one decimal inside its range
    assert any(s.threshold == 0.5 and s.lower == pytest.approx(0.12) for s in suggested)
    assert suggest_thresholds(_scores([0, 0, 0])) == ()


def test_interval_carries_its_best_frame_and_box() -> None:
    scores = FrameScores(
        np.array([0.0, 40, 80, 120]), np.arange(4), np.array([0.95, 0.99, 0.2, 0.97]),
        ((1, 1, 5, 5), (2, 2, 6, 6), None, (3, 3, 7, 7)), 160.0, 3,
    )  # fmt: skip
    first, second = intervals_at(scores, 0.9)
    assert (first.start_frame, first.end_frame, first.best_score, first.box) == (
        0, 1, 0.99, (2, 2, 6, 6)
    )  # fmt: skip
    assert (first.start_ms, first.end_ms) == (0.0, 80.0)
    assert (second.start_ms, second.end_ms, second.end_frame) == (120.0, 160.0, 3)
