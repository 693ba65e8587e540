"""One decode pass over an interval: frame numbers, times, crops and luma against the truth."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from analysis.errors import MediaError
from analysis.media.frame_scan import Box, scan_frames
from tests.support.media import MOTION_FRAMES, SAMPLE_FPS, MediaFactory, motion_frames


@pytest.fixture(scope="module")
def motion(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return MediaFactory(tmp_path_factory.mktemp("scan")).motion_video()


def test_whole_video_is_every_frame_in_order(motion: Path) -> None:
    frames = list(scan_frames(motion, fps=SAMPLE_FPS))
    assert [f.number for f in frames] == list(range(MOTION_FRAMES))
    assert [f.t_ms for f in frames] == pytest.approx([n * 40.0 for n in range(MOTION_FRAMES)])


def test_interval_after_a_seek_starts_and_ends_exactly(motion: Path) -> None:
    # 2.2 s lies inside the second GOP (keyframes at 0 and 50): the seek lands on 50, and the
    # B-frames between 50 and 55 are decoded but not yielded
    frames = list(scan_frames(motion, fps=SAMPLE_FPS, start_ms=2200.0, end_ms=3000.0))
    assert [f.number for f in frames] == list(range(55, 75))
    truth = motion_frames()
    for f in frames[::7]:
        # what 4:2:0 chroma and CRF 16 lose on sharp stripes
        assert np.abs(f.bgr().astype(int) - truth[f.number]).mean() < 6


def test_box_crops_bgr_and_luma(motion: Path) -> None:
    box = Box(40, 20, 200, 120)
    frame = next(iter(scan_frames(motion, fps=SAMPLE_FPS, start_ms=400.0, box=box)))
    assert frame.number == 10
    assert frame.bgr().shape == (100, 160, 3)
    assert frame.luma().shape == (100, 160)
    # luma is the video's own Y, in limited range (16-235)
    grey = cv2.cvtColor(frame.bgr(), cv2.COLOR_BGR2GRAY)
    limited = 16 + grey.astype(float) * 219 / 255
    assert np.abs(limited - frame.luma()).mean() < 2


def test_box_outside_the_picture_is_a_media_error(motion: Path) -> None:
    with pytest.raises(MediaError, match="outside the 320x240 picture"):
        next(iter(scan_frames(motion, fps=SAMPLE_FPS, box=Box(0, 0, 321, 10))))


def test_not_a_video_is_a_media_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with pytest.raises(MediaError):
        next(iter(scan_frames(junk, fps=25.0)))
