"""Shot detection on synthesised video with planted cuts (ground truth beside each clip)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.errors import MediaError
from analysis.media import shots
from analysis.media.shots import (
    Shot,
    content_scores,
    detect_cuts,
    detect_shots,
    hsv_frames,
    scan_scores,
    shots_from_cuts,
)
from tests.support.media import ffmpeg
from tests.support.shots import FLASH_FRAMES, PLANTED_CUTS, PLANTED_SHOTS, SHOT_FRAMES, ShotMedia

THRESHOLD = 27.0


@pytest.fixture(scope="module")
def shot_media(tmp_path_factory: pytest.TempPathFactory) -> ShotMedia:
    return ShotMedia(tmp_path_factory.mktemp("shots"))


def test_planted_cuts_give_exact_shots(shot_media: ShotMedia) -> None:
    scan = detect_shots(shot_media.planted_cuts())
    assert scan.frame_count == SHOT_FRAMES
    assert scan.shots == PLANTED_SHOTS
    scores = scan_scores(shot_media.planted_cuts())
    inside = np.delete(scores, [0, *PLANTED_CUTS])
    assert inside.min() > 0.5, "every scene moves"
    assert inside.max() < THRESHOLD / 2 < THRESHOLD * 2 < scores[list(PLANTED_CUTS)].min()


def test_decoding_in_small_batches_changes_nothing(
    shot_media: ShotMedia, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = scan_scores(shot_media.planted_cuts())
    monkeypatch.setattr(shots, "BATCH_FRAMES", 7)
    assert np.array_equal(scan_scores(shot_media.planted_cuts()), whole)


def test_continuous_motion_is_one_shot(shot_media: ShotMedia) -> None:
    scan = detect_shots(shot_media.continuous_motion())
    assert scan.shots == (Shot(0, SHOT_FRAMES - 1),)
    scores = scan_scores(shot_media.continuous_motion())
    assert scores.max() < THRESHOLD
    assert scores.sum() > 20 * THRESHOLD, "the picture changes a lot, just never at once"


def test_min_frames_suppresses_a_flash(shot_media: ShotMedia) -> None:
    flash = shot_media.flash()
    assert detect_shots(flash, min_frames=15).shots == PLANTED_SHOTS
    cuts = detect_cuts(scan_scores(flash), THRESHOLD, 1)
    assert cuts == [PLANTED_CUTS[0], FLASH_FRAMES[0], FLASH_FRAMES[1] + 1, PLANTED_CUTS[1]]


def test_no_video_is_a_media_error(shot_media: ShotMedia, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="cannot decode the video"):
        detect_shots(shot_media.audio_only())
    text = tmp_path / "notes.mp4"
    text.write_bytes(b"not a video\n" * 100)
    with pytest.raises(MediaError):
        detect_shots(text)


def test_content_score_is_mean_hsv_difference() -> None:
    hsv = np.zeros((3, 4, 6, 3), np.uint8)
    hsv[1] = (10, 20, 30)  # |ΔH|, |ΔS|, |ΔV| averaged: 20
    hsv[2] = (10, 20, 90)  # only V moves, by 60: 20
    assert content_scores(hsv).tolist() == [0.0, 20.0, 20.0]
    assert content_scores(hsv[1:], previous=hsv[0]).tolist() == [20.0, 20.0]
    rgb = np.zeros((2, 2, 2, 3), np.uint8)
    rgb[1] = (255, 0, 0)  # black → red: H 0, S 255, V 255
    assert content_scores(hsv_frames(rgb)).tolist() == [0.0, 170.0]


def test_cuts_need_threshold_and_min_frames_since_the_last() -> None:
    scores = np.zeros(100)
    scores[[0, 10, 20, 30, 31, 60]] = [99.0, 27.0, 26.9, 40.0, 40.0, 50.0]
    assert detect_cuts(scores, 27.0, 15) == [30, 60]  # 10 is too close to the start
    assert detect_cuts(scores, 27.0, 1) == [10, 30, 31, 60]
    assert detect_cuts(scores, 27.0, 0) == [10, 30, 31, 60]  # frame 0 never starts a cut


def test_shots_cover_every_frame_once() -> None:
    assert shots_from_cuts([], 10) == (Shot(0, 9),)
    assert shots_from_cuts([3, 7], 10) == (Shot(0, 2), Shot(3, 6), Shot(7, 9))
    assert shots_from_cuts([9], 10) == (Shot(0, 8), Shot(9, 9))
    assert shots_from_cuts([], 0) == ()


def test_a_one_frame_video_is_one_shot(tmp_path: Path) -> None:
    """A batch of one frame has no differences to average (it used to crash the job)."""
    one = tmp_path / "one.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=s=64x48:r=10", "-frames:v", "1", "-c:v", "libx264", str(one)
    )
    scan = detect_shots(one)
    assert scan.frame_count == 1
    assert [(s.start_frame, s.end_frame) for s in scan.shots] == [(0, 0)]
    frame = np.zeros((4, 4, 3), np.uint8)
    assert content_scores(frame[None], None).tolist() == [0.0]
    assert content_scores(frame[None], frame).tolist() == [0.0]
