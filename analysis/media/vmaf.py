"""VMAF of a distorted video against its reference, with PSNR, SSIM, MS-SSIM, ADM2 and VIF.

VMAF (Video Multi-Method Assessment Fusion; Li, Aaron, Katsavounidis, Moorthy & Manohara,
"Toward a practical perceptual video quality metric", Netflix Tech Blog, 2016) fuses elementary
metrics (ADM2, VIF at four scales, motion) with an SVM trained on subjective scores. It is
computed by Netflix's libvmaf through ffmpeg's ``libvmaf`` filter. Debian's ffmpeg 5.1 is built
without it, so the static ffmpeg in the ``imageio-ffmpeg`` wheel (ffmpeg 9, libvmaf with the
model ``vmaf_v0.6.1`` built in) runs VMAF and nothing else; ``IMAGEIO_FFMPEG_EXE`` points
imageio-ffmpeg at another libvmaf-capable build.

The filter graph (https://github.com/Netflix/vmaf/blob/master/resource/doc/ffmpeg.md):
- the distorted video is the filter's first input ("main"), the reference its second;
- both start at time 0 (``setpts=PTS-STARTPTS``), so frames pair by presentation time from each
  video's first frame, which at equal frame rates is frame by frame in order;
- a distorted video of another size is scaled to the reference's size with a bicubic filter
  before scoring, as Netflix advises ("VMAF: the journey continues", Netflix Tech Blog, 2018):
  the score is always computed at the reference's resolution;
- both are converted to 8-bit 4:2:0 (``yuv420p``), the format the model was trained on;
- ``shortest=1`` ends at the shorter video, so videos of different lengths compare their common
  frames (the mismatch is reported in the warnings, worded as the seed's API words them);
- the phone model is ``vmaf_v0.6.1`` with ``enable_transform=true`` (libvmaf's transform of the
  score for viewing on a phone, which reads higher than the TV/laptop default).

The six series and their definitions are in ``analysis/media/vmaf_log.py``. A frame is numbered
as libvmaf counts the distorted video's frames; its time is ``frame / fps`` of the distorted
video.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from analysis.errors import MediaError
from analysis.media.probe import ffmpeg_error_text, probe
from analysis.media.untrusted import ffmpeg_input
from analysis.media.vmaf_log import read_vmaf_log
from analysis.series import Series, SeriesInfo

MODEL_VERSION = "vmaf_v0.6.1"
# Features logged beside the model's own (adm2, vif_scale0..3, motion).
EXTRA_FEATURES = ("psnr", "float_ssim", "float_ms_ssim")
VMAF_TIMEOUT_S = 3600.0
FILTERS_TIMEOUT_S = 30.0
# Frame rates further apart than this (frames per second) are reported as different.
FPS_TOLERANCE = 0.01
MIB = 1024 * 1024

VMAF_SERIES: dict[str, SeriesInfo] = {
    info.key: info
    for info in (
        SeriesInfo("vmaf", "Video Multi-Method Assessment Fusion (VMAF)", "VMAF"),
        SeriesInfo("adm2", "Detail Loss Metric (ADM2)", "VMAF"),
        SeriesInfo("ms_ssim", "Multi-Scale Structural Similarity Index (MS-SSIM)", "VMAF"),
        SeriesInfo("psnr", "Peak Signal To Noise Ratio (PSNR)", "VMAF", "dB"),
        SeriesInfo("ssim", "Structural Similarity Index (SSIM)", "VMAF"),
        SeriesInfo("vif", "Visual Information Fidelity (VIF)", "VMAF"),
    )
}


class VmafTooLarge(MediaError):
    """The reference video would exceed the raw-YUV size limit."""


@dataclass(frozen=True)
class VmafVideo:
    """One side of the comparison: the file and what a probe says about its video stream."""

    path: Path
    width: int
    height: int
    frame_count: int
    fps: float


@dataclass(frozen=True)
class VmafScores:
    """Per-frame scores of the distorted video (times on its clock) and their means."""

    frame_numbers: np.ndarray  # int64
    t_ms: np.ndarray  # float64, frame_numbers / distorted fps
    series: dict[str, np.ndarray]  # VMAF_SERIES key → float64 per frame
    pooled: dict[str, float]  # VMAF_SERIES key → mean over the scored frames
    warnings: str | None

    def as_series(self) -> list[Series]:
        """The six series in ``VMAF_SERIES`` order."""
        return [Series(key, self.t_ms, self.series[key]) for key in VMAF_SERIES]


@functools.cache
def vmaf_ffmpeg() -> str:
    """The path of an ffmpeg with the libvmaf filter (checked once per process)."""
    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
        proc = subprocess.run(
            [exe, "-hide_banner", "-filters"],
            capture_output=True,
            text=True,
            timeout=FILTERS_TIMEOUT_S,
            check=False,
        )
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        raise MediaError(f"no ffmpeg for VMAF: imageio-ffmpeg's binary cannot run ({exc})") from exc
    if not any(line.split()[1:2] == ["libvmaf"] for line in proc.stdout.splitlines()):
        raise MediaError("imageio-ffmpeg's ffmpeg has no libvmaf filter: VMAF cannot run")
    return exe


def vmaf_video(path: Path) -> VmafVideo:
    """Probe ``path`` for a VMAF comparison; MediaError when it has no usable video stream."""
    info = probe(path)
    if not (info.has_video and info.width and info.height and info.fps and info.frame_count):
        raise MediaError("the file has no video stream with a size, frame rate and frames")
    return VmafVideo(path, info.width, info.height, info.frame_count, info.fps)


def vmaf_warnings(
    reference: VmafVideo, distorted: VmafVideo, *, fps_tolerance: float = FPS_TOLERANCE
) -> str | None:
    """Why the pair is not strictly comparable frame by frame, or None when it is."""
    parts: list[str] = []
    if reference.frame_count != distorted.frame_count:
        parts.append(
            f"There are {reference.frame_count} frames in the reference video whereas there "
            f"are {distorted.frame_count} frames in the distorted video"
        )
    if (reference.width, reference.height) != (distorted.width, distorted.height):
        parts.append(
            f"The reference video dimensions ({reference.width} x {reference.height}) and the "
            f"distorted video dimensions ({distorted.width} x {distorted.height}) are different."
        )
    if abs(reference.fps - distorted.fps) > fps_tolerance:
        parts.append(
            f"The reference video frame rate ({_number(reference.fps)} fps) and the distorted "
            f"video frame rate ({_number(distorted.fps)} fps) are different."
        )
    return ", ".join(parts) or None


def raw_yuv_mib(video: VmafVideo) -> float:
    """The video's size decoded to 8-bit 4:2:0 (1.5 bytes a pixel), in MiB."""
    return video.width * video.height * 1.5 * video.frame_count / MIB


def check_reference_size(reference: VmafVideo, limit_mib: float) -> None:
    """VmafTooLarge when the reference's raw-YUV size exceeds ``limit_mib``.

    The message has the seed's wording: the size rounded to whole MiB, the limit with up to two
    decimals ("... format (50000 MiB) exceeds the limit of 46081.54 MiB.")."""
    size = raw_yuv_mib(reference)
    if size > limit_mib:
        raise VmafTooLarge(
            "Reference video too large; the estimated file size of the video in raw YUV format "
            f"({size:.0f} MiB) exceeds the limit of {_number(limit_mib)} MiB."
        )


def vmaf_command(
    reference: VmafVideo, distorted: VmafVideo, log_path: Path, *, phone_model: bool, threads: int
) -> list[str]:
    """The ffmpeg command that scores ``distorted`` against ``reference`` into a JSON log."""
    main = "setpts=PTS-STARTPTS"
    if (distorted.width, distorted.height) != (reference.width, reference.height):
        main += f",scale={reference.width}:{reference.height}:flags=bicubic"
    model = f"version={MODEL_VERSION}" + (":enable_transform=true" if phone_model else "")
    features = "|".join(f"name={name}" for name in EXTRA_FEATURES)
    libvmaf = ":".join(
        (
            f"model={_filter_value(model)}",
            f"feature={_filter_value(features)}",
            "log_fmt=json",
            f"log_path={_filter_value(str(log_path))}",
            f"n_threads={threads}",
            "shortest=1",
        )
    )
    graph = (
        f"[0:v:0]{main},format=yuv420p[main];"
        "[1:v:0]setpts=PTS-STARTPTS,format=yuv420p[reference];"
        f"[main][reference]libvmaf={libvmaf}"
    )
    cmd = [vmaf_ffmpeg(), "-nostdin", "-hide_banner", "-v", "error"]
    cmd += [*ffmpeg_input(distorted.path), *ffmpeg_input(reference.path)]
    cmd += ["-lavfi", graph, "-an", "-sn", "-dn", "-f", "null", "-"]
    return cmd


def run_vmaf(
    reference: VmafVideo,
    distorted: VmafVideo,
    *,
    phone_model: bool = False,
    threads: int | None = None,
    timeout_s: float = VMAF_TIMEOUT_S,
    size_limit_mib: float | None = None,
    fps_tolerance: float = FPS_TOLERANCE,
    progress: Callable[[float], None] | None = None,
) -> VmafScores:
    """Score ``distorted`` against ``reference`` (all CPU cores unless ``threads`` is given).

    ``progress`` gets the share of the distorted video's frames scored so far, from ffmpeg's
    progress lines. MediaError when ffmpeg cannot decode either video, runs past ``timeout_s``
    or scores no frame; VmafTooLarge when ``size_limit_mib`` is given and the reference
    exceeds it."""
    if size_limit_mib is not None:
        check_reference_size(reference, size_limit_mib)
    with tempfile.TemporaryDirectory(prefix="reelgraph-vmaf-") as folder:
        log_path = Path(folder) / "vmaf.json"
        threads = threads or os.cpu_count() or 1
        command = vmaf_command(
            reference, distorted, log_path, phone_model=phone_model, threads=threads
        )
        try:
            if progress is None:
                proc = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    errors="replace",
                    timeout=timeout_s,
                    check=False,
                )
                returncode, stderr = proc.returncode, proc.stderr
            else:
                frames = max(1, distorted.frame_count)
                returncode, stderr = _run_reporting(command, timeout_s, frames, progress)
        except subprocess.TimeoutExpired as exc:
            raise MediaError(f"VMAF took longer than {timeout_s:.0f} s") from exc
        if returncode != 0:
            raise MediaError(f"VMAF failed: {_error_tail(stderr, reference, distorted)}")
        log = read_vmaf_log(log_path)
    return VmafScores(
        frame_numbers=log.frame_numbers,
        t_ms=log.frame_numbers * (1000.0 / distorted.fps),
        series=log.series,
        pooled=log.pooled,
        warnings=vmaf_warnings(reference, distorted, fps_tolerance=fps_tolerance),
    )


def _run_reporting(
    command: list[str], timeout_s: float, frames: int, progress: Callable[[float], None]
) -> tuple[int, str]:
    """Run ffmpeg with ``-progress`` on its stdout, reporting ``frame=`` lines as a share of
    ``frames``; (return code, stderr). TimeoutExpired past ``timeout_s``."""
    command = [*command[:-1], "-progress", "pipe:1", "-nostats", command[-1]]
    timed_out = threading.Event()
    with (
        tempfile.TemporaryFile("w+", errors="replace") as stderr,
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, errors="replace"
        ) as proc,
    ):

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout_s, kill)
        timer.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("frame=") and line[6:].strip().isdigit():
                    progress(min(1.0, int(line[6:]) / frames))
            returncode = proc.wait()
        finally:
            timer.cancel()
        if timed_out.is_set():
            raise subprocess.TimeoutExpired(command, timeout_s)
        stderr.seek(0)
        return returncode, stderr.read()


def _filter_value(value: str) -> str:
    """Escape an option value twice: for the filter's options, then for the filter graph
    (https://ffmpeg.org/ffmpeg-filters.html#Notes-on-filtergraph-escaping)."""
    for special in ("\\':", "\\'[],;"):
        value = "".join(f"\\{char}" if char in special else char for char in value)
    return value


def _error_tail(stderr: str, reference: VmafVideo, distorted: VmafVideo) -> str:
    """ffmpeg's last words, with the server-side paths named by their role."""
    stderr = stderr.replace(str(reference.path), "the reference video")
    stderr = stderr.replace(str(distorted.path), "the distorted video")
    return ffmpeg_error_text(stderr, reference.path)


def _number(value: float) -> str:
    """At most two decimals, without trailing zeros: 46081.54, 30, 29.97."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
