"""Benchmark: `run_vmaf` end to end against the bare ffmpeg/libvmaf command (issue 5).

Makes (once, kept in `.reelgraph-bench/media/`) a 20 s 1280x720 30 fps reference (testsrc2,
x264 CRF 12) and a CRF-35 copy of it, then times on the same pair, with the same number of
libvmaf threads and alternating which goes first:
- `run_vmaf` (filter graph, ffmpeg run, JSON log parsed into the six series, warnings);
- the command of Netflix's ffmpeg guide written out by hand, its log left unread.
Prints each one's wall times (median and best) and CPU time (user + sys, ffmpeg and Python), and
their ratios (goal: at most 1.2x). On a shared machine the best wall time and the CPU time are
the steadier figures: other processes stretch a run's wall time, not the work it does.
Run: `.venv/bin/python benchmarks/bench_vmaf.py [--runs 3] [--threads N]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

from analysis.media.vmaf import VmafScores, run_vmaf, vmaf_ffmpeg, vmaf_video

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


def cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare(reference: Path, distorted: Path, log: Path, threads: int) -> None:
    graph = (
        "[0:v]setpts=PTS-STARTPTS,format=yuv420p[d];[1:v]setpts=PTS-STARTPTS,format=yuv420p[r];"
        "[d][r]libvmaf=model=version=vmaf_v0.6.1"
        ":feature=name=psnr|name=float_ssim|name=float_ms_ssim"
        f":log_fmt=json:log_path={log}:n_threads={threads}:shortest=1"
    )
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(distorted),
         "-i", str(reference), "-lavfi", graph, "-f", "null", "-"],
        check=True,
    )  # fmt: skip


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
    timings: dict[str, list[tuple[float, float]]] = {"run_vmaf": [], "bare": []}
    results: list[VmafScores] = []
    with tempfile.TemporaryDirectory(prefix="bench-vmaf-") as folder:

        def ours() -> None:
            results.append(run_vmaf(reference, distorted, threads=args.threads))

        def theirs() -> None:
            bare(reference_path, distorted_path, Path(folder) / "log.json", args.threads)

        jobs: dict[str, Callable[[], None]] = {"run_vmaf": ours, "bare": theirs}
        for run in range(args.runs):
            # alternate which goes first, so a load that changes over time favours neither
            for name in sorted(jobs, reverse=run % 2 == 1):
                wall, cpu = time.perf_counter(), cpu_s()
                jobs[name]()
                timings[name].append((time.perf_counter() - wall, cpu_s() - cpu))
    scores = results[-1]
    assert len(scores.t_ms) == distorted.frame_count
    print(f"pooled VMAF {scores.pooled['vmaf']:.2f}, PSNR {scores.pooled['psnr']:.2f} dB")
    figures: dict[str, tuple[float, float, float]] = {}
    for name, runs in timings.items():
        walls = [wall for wall, _ in runs]
        cpu = statistics.median(cpu for _, cpu in runs)
        figures[name] = (statistics.median(walls), min(walls), cpu)
        print(
            f"{name:8s}: wall median {figures[name][0]:6.2f} s, best {figures[name][1]:6.2f} s "
            f"({distorted.frame_count / figures[name][1]:5.1f} fps), CPU {cpu:6.1f} s  "
            f"[walls: {', '.join(f'{wall:.1f}' for wall in walls)}]"
        )
    pairs = zip(figures["run_vmaf"], figures["bare"], strict=True)
    ratios = [ours / theirs for ours, theirs in pairs]
    print(
        f"run_vmaf / bare: wall median {ratios[0]:.3f}x, best {ratios[1]:.3f}x, "
        f"CPU {ratios[2]:.3f}x (goal <= 1.2x)"
    )


if __name__ == "__main__":
    main()
