"""Frame-exact reads (analysis.media.frames) against an independent full decode."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.errors import MediaError
from analysis.media.frames import Crop, Keyframe, crop_and_resize, read_frame, square_face_crop
from analysis.media.keyframes import scan_video_packets
from tests.support.media import MOTION_FRAMES, SAMPLE_FPS, MediaFactory, decoded_frames


@pytest.fixture(scope="module")
def motion(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return MediaFactory(tmp_path_factory.mktemp("frames")).motion_video()


@pytest.fixture(scope="module")
def decoded(motion: Path) -> np.ndarray:
    return decoded_frames(motion, 320, 240)


def _keyframe_before(motion: Path, frame: int) -> Keyframe:
    keyframes = scan_video_packets(motion).keyframes
    number, pts_ms, _ = max(k for k in keyframes if k[0] <= frame)
    return Keyframe(number, pts_ms)


@pytest.mark.slow
def test_every_frame_is_bit_exact_from_its_keyframe(motion: Path, decoded: np.ndarray) -> None:
    assert [k[0] for k in scan_video_packets(motion).keyframes] == [0, 50, 100]
    for n in range(MOTION_FRAMES):
        image = read_frame(motion, n, SAMPLE_FPS, _keyframe_before(motion, n))
        assert np.array_equal(image, decoded[n]), n


def test_without_an_index_or_with_one_past_the_frame(motion: Path, decoded: np.ndarray) -> None:
    for n in (0, 63, 149):
        assert np.array_equal(read_frame(motion, n, SAMPLE_FPS, None), decoded[n])
    # an index entry after the target (stale index) falls back to decoding from the start
    late = Keyframe(100, 4000.0)
    assert np.array_equal(read_frame(motion, 63, SAMPLE_FPS, late), decoded[63])


def test_a_frame_past_the_end_is_a_media_error(motion: Path) -> None:
    with pytest.raises(MediaError, match="beyond the end"):
        read_frame(motion, MOTION_FRAMES + 5, SAMPLE_FPS, _keyframe_before(motion, 149))
    with pytest.raises(MediaError):
        read_frame(motion.with_name("missing.mp4"), 0, SAMPLE_FPS, None)


def test_face_crop_is_square_and_inside_the_frame() -> None:
    assert square_face_crop(100, 50, 40, 60, 320, 240) == Crop(78, 38, 84, 84)
    edge = square_face_crop(0, 0, 100, 100, 320, 240)  # pushed back inside at the corner
    assert (edge.x, edge.y, edge.w) == (0, 0, 140)
    big = square_face_crop(0, 0, 300, 300, 320, 240)  # never larger than the frame
    assert big.w == big.h == 240 and big.x + big.w <= 320
    image = np.zeros((240, 320, 3), np.uint8)
    assert crop_and_resize(image, Crop(10, 10, 50, 50), 320).shape == (320, 320, 3)
