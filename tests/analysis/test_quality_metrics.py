"""Each quality metric moves the right way on controlled changes of one clip.

The clip is a natural photograph (scikit-image's ``coffee``, public domain) panned 3 pixels a
frame; every variant is the same frames through one ffmpeg filter or encoder setting, so the
only difference between two variants is the change under test. The same changes are checked
on single frames (OpenCV, numpy) and through ``run_quality_suite`` on the encoded clips.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from analysis.errors import ModelError
from analysis.media.frame_scan import Box
from analysis.quality import metrics, mos
from analysis.quality.suite import QualityRequest, run_quality_suite
from tests.support.media import ffmpeg, raw_video_input

FPS = 25
FRAMES = 25
WIDTH, HEIGHT = 480, 360
X264 = ("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p")
HALF_BLURRED = (
    "[0:v]split[a][b];[a]crop=iw/2:ih:0:0,gblur=sigma=3[l];[b]crop=iw/2:ih:iw/2:0[r];[l][r]hstack"
)
# name -> ffmpeg output arguments; "original" is the reference every other variant changes once
VARIANTS: dict[str, tuple[str, ...]] = {
    "original": (*X264, "-crf", "12"),
    "blurred": ("-vf", "gblur=sigma=3", *X264, "-crf", "12"),
    "resampled": ("-vf", "scale=iw/2:ih/2,scale=iw*2:ih*2", *X264, "-crf", "12"),
    "grey": ("-vf", "hue=s=0", *X264, "-crf", "12"),
    "darker": ("-vf", "eq=brightness=-0.15", *X264, "-crf", "12"),
    "brighter": ("-vf", "eq=brightness=0.15", *X264, "-crf", "12"),
    "flatter": ("-vf", "eq=contrast=0.6", *X264, "-crf", "12"),
    "punchier": ("-vf", "eq=contrast=1.4", *X264, "-crf", "12"),
    "crf45": (*X264, "-crf", "45"),
    # MPEG-4 part 2 at its coarsest quantiser: 8x8 DCT blocks and no deblocking filter
    "blocky": ("-c:v", "mpeg4", "-q:v", "31", "-pix_fmt", "yuv420p"),
    "half_blurred": ("-filter_complex", HALF_BLURRED, *X264, "-crf", "12"),
}


def source_frames() -> np.ndarray:
    """The clip as encoded: 25 BGR frames of 480x360 panning across the photograph."""
    coffee = cv2.cvtColor(data.coffee(), cv2.COLOR_RGB2BGR)  # 400 x 600
    return np.stack([coffee[20 : 20 + HEIGHT, 3 * n : 3 * n + WIDTH] for n in range(FRAMES)])


def limited_luma(bgr: np.ndarray) -> np.ndarray:
    """The limited-range (16-235) luma a decoder would give for this picture."""
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return np.round(16.0 + grey * 219.0 / 255.0).astype(np.uint8)


def jpeg(bgr: np.ndarray, quality: int) -> np.ndarray:
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    assert ok and decoded is not None
    return np.asarray(decoded)


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    return source_frames()[0]


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("quality")
    raw = source_frames().tobytes()
    paths: dict[str, Path] = {}
    for name, args in VARIANTS.items():
        paths[name] = root / f"{name}.mp4"
        ffmpeg(*raw_video_input("bgr24", WIDTH, HEIGHT, FPS), *args, str(paths[name]), stdin=raw)
    return paths


def suite_median(path: Path, key: str, box: Box | None = None) -> float:
    """The median of one key's series over the whole clip."""
    request = QualityRequest(start_ms=0.0, end_ms=FRAMES * 1000.0 / FPS, keys=(key,), box=box)
    series = run_quality_suite(path, FPS, request).series[key]
    assert len(series) > 0
    return float(np.median(series.values))


# --- single frames -------------------------------------------------------------------------


def test_gaussian_blur_raises_blurriness(frame: np.ndarray) -> None:
    values = [
        metrics.blurriness(limited_luma(cv2.GaussianBlur(frame, (0, 0), sigma)))
        for sigma in (0.01, 1.0, 3.0)
    ]
    assert 0.0 <= values[0] < values[1] < values[2] <= 1.0
    assert values[2] - values[0] > 0.3


def test_jpeg_quality_10_raises_blockiness(frame: np.ndarray) -> None:
    original = metrics.blockiness(limited_luma(frame))
    compressed = metrics.blockiness(limited_luma(jpeg(frame, 10)))
    assert 0.9 < original < 1.15  # a photograph has no block grid
    assert compressed > original + 0.7


def test_blockiness_places_the_grid_by_the_crop_origin(frame: np.ndarray) -> None:
    luma = limited_luma(jpeg(frame, 10))
    whole = metrics.blockiness(luma)
    crop = luma[5:, 3:]
    assert metrics.blockiness(crop, origin=(3, 5)) == pytest.approx(whole, rel=0.05)
    # measured on the wrong grid, the block edges look like the inside of blocks
    assert metrics.blockiness(crop, origin=(0, 0)) < whole - 0.5


def test_greyscale_copy_has_no_colourfulness(frame: np.ndarray) -> None:
    grey = cv2.cvtColor(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    original = metrics.colorfulness(frame)
    assert original > 30  # coffee in a red cup: "moderately" colourful or more
    assert metrics.colorfulness(grey) < 0.01 * original


def test_half_size_round_trip_raises_downsampling_index(frame: np.ndarray) -> None:
    half = cv2.resize(frame, (WIDTH // 2, HEIGHT // 2), interpolation=cv2.INTER_AREA)
    resampled = cv2.resize(half, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
    original = metrics.downsampling_index(limited_luma(frame))
    assert 0.2 < original < 0.6
    assert metrics.downsampling_index(limited_luma(resampled)) > original + 0.15


def test_brightness_and_contrast_follow_gains(frame: np.ndarray) -> None:
    pixels = frame.astype(np.float32)
    gained = [np.clip(pixels * g, 0, 255).astype(np.uint8) for g in (0.6, 0.8, 1.0)]
    brightness = [metrics.brightness(limited_luma(f)) for f in gained]
    assert 0.0 < brightness[0] < brightness[1] < brightness[2] < 100.0
    stretched = [np.clip((pixels - 128) * g + 128, 0, 255).astype(np.uint8) for g in (0.6, 1, 1.4)]
    contrast = [metrics.contrast(limited_luma(f)) for f in stretched]
    assert 0.0 < contrast[0] < contrast[1] < contrast[2] < 50.0


def test_heavily_compressed_copy_has_a_lower_mos(frame: np.ndarray) -> None:
    original = mos.video_quality_mos(limited_luma(frame))
    compressed = mos.video_quality_mos(limited_luma(jpeg(frame, 5)))
    assert 1.0 <= compressed < original - 1.0
    assert original <= 5.0


def test_a_flat_picture_reads_as_no_detail_no_colour() -> None:
    luma = np.full((64, 64), 120, np.uint8)
    assert metrics.blurriness(luma) == 0.0
    assert metrics.blockiness(luma) == 1.0
    assert metrics.downsampling_index(luma) == 0.0
    assert metrics.contrast(luma) == 0.0
    assert metrics.brightness(luma) == pytest.approx(100 * (120 - 16) / 219)
    assert metrics.colorfulness(np.full((64, 64, 3), 90, np.uint8)) == 0.0


def test_mos_is_brisque_mapped_linearly_onto_1_to_5() -> None:
    brisque = (-7.0, 0.0, 50.0, 100.0, 130.0)
    assert [mos.mos_from_brisque(s) for s in brisque] == [5.0, 5.0, 3.0, 1.0, 1.0]


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_missing_or_corrupt_model_file_is_a_model_error(tmp_path: Path, damage: str) -> None:
    models = tmp_path / "models"
    shutil.copytree(mos.MODELS_DIR, models)
    target = models / mos.RANGE_FILE
    if damage == "missing":
        target.unlink()
    else:
        target.write_bytes(target.read_bytes().replace(b"1", b"2", 1))
    with pytest.raises(ModelError, match=f"{mos.RANGE_FILE} is {damage}"):
        mos.brisque_model(models)


# --- encoded clips through the suite ---------------------------------------------------------


def test_suite_blurred_clip_reads_blurrier(clips: dict[str, Path]) -> None:
    assert (
        suite_median(clips["blurred"], "blurriness")
        > suite_median(clips["original"], "blurriness") + 0.25
    )


def test_suite_blocky_encode_reads_blockier(clips: dict[str, Path]) -> None:
    original = suite_median(clips["original"], "blockiness")
    assert original < 1.15
    assert suite_median(clips["blocky"], "blockiness") > original + 0.3


def test_suite_greyscale_clip_has_no_colourfulness(clips: dict[str, Path]) -> None:
    original = suite_median(clips["original"], "colorfulness")
    assert original > 30
    assert suite_median(clips["grey"], "colorfulness") < 0.01 * original


def test_suite_resampled_clip_reads_more_downsampled(clips: dict[str, Path]) -> None:
    assert (
        suite_median(clips["resampled"], "downsampling_index")
        > suite_median(clips["original"], "downsampling_index") + 0.1
    )


def test_suite_brightness_and_contrast_follow_eq(clips: dict[str, Path]) -> None:
    brightness = [suite_median(clips[n], "brightness") for n in ("darker", "original", "brighter")]
    assert brightness[0] + 5 < brightness[1] < brightness[2] - 5
    contrast = [suite_median(clips[n], "contrast") for n in ("flatter", "original", "punchier")]
    assert contrast[0] + 2 < contrast[1] < contrast[2] - 2


def test_suite_high_crf_encode_has_a_lower_mos(clips: dict[str, Path]) -> None:
    original = suite_median(clips["original"], "video_quality_mos")
    assert suite_median(clips["crf45"], "video_quality_mos") < original - 0.5


def test_suite_box_measures_only_its_region(clips: dict[str, Path]) -> None:
    half = clips["half_blurred"]
    left = suite_median(half, "blurriness", Box(0, 0, WIDTH // 2, HEIGHT))
    right = suite_median(half, "blurriness", Box(WIDTH // 2, 0, WIDTH, HEIGHT))
    sharp = suite_median(clips["original"], "blurriness")
    assert left > right + 0.25
    assert right < sharp + 0.1


def test_suite_box_keeps_the_frame_block_grid(clips: dict[str, Path]) -> None:
    # a box starting off the 8-pixel grid still measures the blocks on the frame's grid
    box = Box(3, 5, WIDTH - 1, HEIGHT)
    whole = suite_median(clips["blocky"], "blockiness")
    assert suite_median(clips["blocky"], "blockiness", box) == pytest.approx(whole, rel=0.05)
