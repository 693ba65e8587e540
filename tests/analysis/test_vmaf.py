"""VMAF through imageio-ffmpeg's libvmaf: scores against the same libvmaf command run directly,
the seed's warning and error wording, and failures as MediaError."""

from __future__ import annotations

import json
import pickle
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from analysis.errors import MediaError
from analysis.media.vmaf import (
    VMAF_SERIES,
    VmafScores,
    VmafTooLarge,
    VmafVideo,
    check_reference_size,
    raw_yuv_mib,
    run_vmaf,
    vmaf_ffmpeg,
    vmaf_video,
    vmaf_warnings,
)
from analysis.media.vmaf_log import read_vmaf_log

FPS, FRAMES, TRIMMED = 25, 75, 50
THREADS = 2
# The command of Netflix's ffmpeg guide, written out by hand: distorted first, both from time 0,
# the distorted scaled (bicubic) to the reference's size where it differs, psnr/ssim/ms_ssim.
DIRECT_GRAPH = (
    "[0:v]setpts=PTS-STARTPTS{scale},format=yuv420p[d];"
    "[1:v]setpts=PTS-STARTPTS,format=yuv420p[r];"
    "[d][r]libvmaf=model=version=vmaf_v0.6.1{transform}"
    ":feature=name=psnr|name=float_ssim|name=float_ms_ssim"
    ":log_fmt=json:log_path={log}:n_threads=2:shortest=1"
)


def _encode(target: Path, *args: str) -> Path:
    cmd = ["/usr/bin/ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    cmd += ["-c:v", "libx264", "-pix_fmt", "yuv420p", str(target)]
    subprocess.run(cmd, check=True)
    return target


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 3 s 320x240 reference (x264 CRF 10) and distorted copies of it."""
    root = tmp_path_factory.mktemp("vmaf")
    source = f"testsrc2=s=320x240:r={FPS}:d=3"
    reference = _encode(root / "reference.mp4", "-f", "lavfi", "-i", source, "-crf", "10")
    return {
        "reference": reference,
        "crf40": _encode(root / "crf40.mp4", "-i", str(reference), "-crf", "40"),
        "scaled": _encode(
            root / "scaled.mp4", "-i", str(reference), "-vf", "scale=256:192", "-crf", "20"
        ),
        "trimmed": _encode(
            root / "trimmed.mp4", "-i", str(reference), "-frames:v", str(TRIMMED), "-crf", "20"
        ),
    }


def _direct(
    reference: Path, distorted: Path, log: Path, *, phone: bool, scale: str
) -> dict[str, list[float]]:
    """libvmaf run by hand, its JSON log read here without the module's parser."""
    graph = DIRECT_GRAPH.format(
        scale=scale, transform="\\\\:enable_transform=true" if phone else "", log=log
    )
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error"]
    cmd += ["-i", str(distorted), "-i", str(reference), "-lavfi", graph, "-f", "null", "-"]
    subprocess.run(cmd, check=True)
    frames = json.loads(log.read_text())["frames"]
    rows = [frame["metrics"] for frame in frames]
    return {
        "frames": [frame["frameNum"] for frame in frames],
        "vmaf": [row["vmaf"] for row in rows],
        "adm2": [row["integer_adm2"] for row in rows],
        "ms_ssim": [row["float_ms_ssim"] for row in rows],
        "psnr": [row["psnr_y"] for row in rows],
        "ssim": [row["float_ssim"] for row in rows],
        "vif": [sum(row[f"integer_vif_scale{n}"] for n in range(4)) / 4 for row in rows],
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "phone", "scale", "scored"),
    [
        ("crf40", False, "", FRAMES),
        ("crf40", True, "", FRAMES),
        ("scaled", False, ",scale=320:240:flags=bicubic", FRAMES),
        ("trimmed", False, "", TRIMMED),
    ],
)
def test_scores_equal_libvmaf_run_directly(
    videos: dict[str, Path], tmp_path: Path, name: str, phone: bool, scale: str, scored: int
) -> None:
    reference, distorted = vmaf_video(videos["reference"]), vmaf_video(videos[name])
    scores = run_vmaf(reference, distorted, phone_model=phone, threads=THREADS)
    truth = _direct(reference.path, distorted.path, tmp_path / "log.json", phone=phone, scale=scale)
    assert scores.frame_numbers.tolist() == truth["frames"] == list(range(scored))
    np.testing.assert_array_equal(scores.t_ms, np.arange(scored) * 1000.0 / FPS)
    assert set(scores.series) == set(VMAF_SERIES)
    for key in VMAF_SERIES:
        np.testing.assert_array_equal(scores.series[key], truth[key], err_msg=key)
        assert scores.pooled[key] == pytest.approx(np.mean(truth[key]), abs=1e-5)


@pytest.fixture(scope="module")
def self_scores(videos: dict[str, Path]) -> VmafScores:
    reference = vmaf_video(videos["reference"])
    return run_vmaf(reference, reference, threads=THREADS)


def test_reference_against_itself_is_near_perfect(self_scores: VmafScores) -> None:
    assert self_scores.warnings is None
    # the first frame has no motion feature (no previous frame), which costs v0.6.1 ~2.5 points
    assert self_scores.series["vmaf"][0] > 97.0
    assert self_scores.series["vmaf"][1:].min() > 99.9
    assert self_scores.series["psnr"].min() >= 59.9  # libvmaf caps 8-bit PSNR at 60 dB
    for key in ("ssim", "ms_ssim", "vif", "adm2"):
        assert self_scores.series[key].min() > 0.999, key


@pytest.mark.slow
def test_a_crf40_copy_scores_lower_and_the_phone_model_higher(
    videos: dict[str, Path], self_scores: VmafScores
) -> None:
    reference, distorted = vmaf_video(videos["reference"]), vmaf_video(videos["crf40"])
    tv = run_vmaf(reference, distorted, threads=THREADS)
    phone = run_vmaf(reference, distorted, phone_model=True, threads=THREADS)
    assert tv.warnings is None
    assert tv.pooled["vmaf"] < self_scores.pooled["vmaf"] - 15
    assert tv.pooled["psnr"] < 40
    assert tv.pooled["ssim"] < 0.97
    assert phone.pooled["vmaf"] > tv.pooled["vmaf"] + 5
    assert phone.pooled["psnr"] == tv.pooled["psnr"]  # the transform touches VMAF only
    series = tv.as_series()
    assert [s.key for s in series] == list(VMAF_SERIES)
    assert all(len(s) == FRAMES for s in series)
    restored = pickle.loads(pickle.dumps(tv))  # results cross the worker's process pool
    np.testing.assert_array_equal(restored.series["vmaf"], tv.series["vmaf"])


@pytest.mark.slow
def test_warnings_name_mismatched_counts_and_sizes(videos: dict[str, Path]) -> None:
    reference = vmaf_video(videos["reference"])
    scaled = run_vmaf(reference, vmaf_video(videos["scaled"]), threads=THREADS)
    assert scaled.warnings == (
        "The reference video dimensions (320 x 240) and the distorted video dimensions "
        "(256 x 192) are different."
    )
    trimmed = run_vmaf(reference, vmaf_video(videos["trimmed"]), threads=THREADS)
    assert trimmed.warnings == (
        "There are 75 frames in the reference video whereas there are 50 frames in the "
        "distorted video"
    )


def test_warning_wording_is_the_seeds() -> None:
    reference = VmafVideo(Path("reference.mp4"), 448, 800, 163, 30.0)
    distorted = VmafVideo(Path("distorted.mp4"), 414, 736, 133, 30.0)
    assert vmaf_warnings(reference, distorted) == (
        "There are 163 frames in the reference video whereas there are 133 frames in the "
        "distorted video, The reference video dimensions (448 x 800) and the distorted video "
        "dimensions (414 x 736) are different."
    )
    assert vmaf_warnings(reference, reference) is None
    slower = VmafVideo(Path("distorted.mp4"), 448, 800, 163, 29.97)
    assert vmaf_warnings(reference, slower) == (
        "The reference video frame rate (30 fps) and the distorted video frame rate "
        "(29.97 fps) are different."
    )
    assert vmaf_warnings(reference, slower, fps_tolerance=0.05) is None


def test_size_limit_uses_the_seeds_wording(videos: dict[str, Path]) -> None:
    huge = VmafVideo(Path("huge.mp4"), 1280, 720, 37926, 30.0)  # 1.318 MiB a frame
    assert raw_yuv_mib(huge) == pytest.approx(37926 * 1280 * 720 * 1.5 / 2**20)
    with pytest.raises(VmafTooLarge) as caught:
        check_reference_size(huge, 46081.54)
    assert str(caught.value) == (
        "Reference video too large; the estimated file size of the video in raw YUV format "
        "(50000 MiB) exceeds the limit of 46081.54 MiB."
    )
    check_reference_size(huge, 50001.0)
    reference = vmaf_video(videos["reference"])  # 75 frames of 320x240: 8.24 MiB
    with pytest.raises(MediaError, match=r"\(8 MiB\) exceeds the limit of 8 MiB\."):
        run_vmaf(reference, reference, size_limit_mib=8.0)


def test_undecodable_input_is_a_media_error(videos: dict[str, Path], tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with pytest.raises(MediaError):
        vmaf_video(junk)
    reference = vmaf_video(videos["reference"])
    posing = VmafVideo(junk, 320, 240, FRAMES, FPS)
    with pytest.raises(MediaError, match=r"VMAF failed: .*the distorted video") as caught:
        run_vmaf(reference, posing, threads=THREADS)
    assert str(tmp_path) not in str(caught.value)


def test_a_run_past_its_timeout_is_a_media_error(videos: dict[str, Path]) -> None:
    reference = vmaf_video(videos["reference"])
    with pytest.raises(MediaError, match="VMAF took longer than 0 s"):
        run_vmaf(reference, reference, threads=THREADS, timeout_s=0.05)


def test_a_libvmaf_1_log_reads_the_same(tmp_path: Path) -> None:
    """libvmaf 1 named the model's features without the ``integer_`` prefix."""
    rows = [
        {
            "vmaf": 90.5 + n,
            "adm2": 0.9,
            "float_ms_ssim": 0.98,
            "psnr_y": 40.0 + n,
            "float_ssim": 0.97,
            "vif_scale0": 0.5,
            "vif_scale1": 0.7,
            "vif_scale2": 0.8,
            "vif_scale3": 1.0,
        }
        for n in range(2)
    ]
    log = tmp_path / "v1.json"
    frames = [{"frameNum": n, "metrics": row} for n, row in enumerate(rows)]
    log.write_text(json.dumps({"frames": frames}))
    parsed = read_vmaf_log(log)
    assert parsed.frame_numbers.tolist() == [0, 1]
    assert parsed.series["vmaf"].tolist() == [90.5, 91.5]
    assert parsed.series["vif"].tolist() == pytest.approx([0.75, 0.75])
    assert parsed.pooled == pytest.approx(
        {"vmaf": 91.0, "adm2": 0.9, "ms_ssim": 0.98, "psnr": 40.5, "ssim": 0.97, "vif": 0.75}
    )
    log.write_text(json.dumps({"frames": []}))
    with pytest.raises(MediaError, match="scored no frame"):
        read_vmaf_log(log)


def test_vmaf_ffmpeg_has_libvmaf() -> None:
    exe = vmaf_ffmpeg()
    assert exe != "/usr/bin/ffmpeg"
    listed = subprocess.run([exe, "-hide_banner", "-filters"], capture_output=True, text=True)
    assert " libvmaf " in listed.stdout
