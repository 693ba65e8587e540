"""Benchmark: `run_vmaf` end to end against the bare ffmpeg/libvmaf command (issue 5).

Makes (once, kept in `.reelgraph-bench/media/`) a 20 s 1280x720 30 fps reference (testsrc2,
x264 CRF 12) and a CRF-35 copy of it, then times, alternating, on the same pair with the same
number of libvmaf threads:
- `run_vmaf` (filter graph, ffmpeg run, JSON log parsed into the six series, warnings);
- the command of Netflix's ffmpeg guide written out by hand, its log left unread.
Prints the median wall time of each and their ratio (goal: at most 1.2x).
Run: `.venv/bin/python benchmarks/bench_vmaf.py [--runs 3] [--threads N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg

from analysis.media.vmaf import run_vmaf, vmaf_ffmpeg, vmaf_video

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / ".reelgraph-bench" / "media"
FPS, SECONDS = 30, 20


def encode(target: Path, *args: str) -> Path:
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"making {target.name} (once)…", flush=True)
    part = target.with_suffix(".part.mp4")
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *args, "-c:v", "libx264",
         "-preset", "veryfast", "-pix_fmt", "yuv420p", str(part)],
        check=True,
    )  # fmt: skip
    part.replace(target)
    return target


def bare(reference: Path, distorted: Path, log: Path, threads: int) -> float:
    graph = (
        "[0:v]setpts=PTS-STARTPTS,format=yuv420p[d];[1:v]setpts=PTS-STARTPTS,format=yuv420p[r];"
        "[d][r]libvmaf=model=version=vmaf_v0.6.1"
        ":feature=name=psnr|name=float_ssim|name=float_ms_ssim"
        f":log_fmt=json:log_path={log}:n_threads={threads}:shortest=1"
    )
    started = time.perf_counter()
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(distorted),
         "-i", str(reference), "-lavfi", graph, "-f", "null", "-"],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    reference_path = encode(
        MEDIA / "vmaf-reference-720p.mp4",
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate={FPS}:duration={SECONDS}", "-crf", "12",
    )  # fmt: skip
    distorted_path = encode(MEDIA / "vmaf-crf35-720p.mp4", "-i", str(reference_path), "-crf", "35")
    started = time.perf_counter()
    vmaf_ffmpeg()
    print(f"libvmaf check (once per process): {(time.perf_counter() - started) * 1000:.0f} ms")
    reference, distorted = vmaf_video(reference_path), vmaf_video(distorted_path)
    print(f"{distorted.frame_count} frames of {reference.width}x{reference.height}, "
          f"{args.threads} libvmaf threads, {args.runs} runs each")  # fmt: skip
    ours: list[float] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-vmaf-") as folder:
        for _ in range(args.runs):
            started = time.perf_counter()
            scores = run_vmaf(reference, distorted, threads=args.threads)
            ours.append(time.perf_counter() - started)
            theirs.append(bare(reference_path, distorted_path, Path(folder) / "log.json",
                               args.threads))  # fmt: skip
    assert len(scores.t_ms) == distorted.frame_count
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    print(f"pooled VMAF {scores.pooled['vmaf']:.2f}, PSNR {scores.pooled['psnr']:.2f} dB")
    print(
        f"run_vmaf (end to end, parsed): median {ours_s:6.2f} s  ({distorted.frame_count / ours_s:.1f} fps)"
    )
    print(
        f"bare ffmpeg/libvmaf command:   median {theirs_s:6.2f} s  ({distorted.frame_count / theirs_s:.1f} fps)"
    )
    print(f"ratio: {ours_s / theirs_s:.3f}x (goal <= 1.2x)")


if __name__ == "__main__":
    main()
