"""Benchmark: the video quality suite (issue 5), all eight keys over a minute of 720p video.

Makes (once, kept in `.reelgraph-bench/media/`) a 60 s 1280x720 30 fps H.264 clip that moves
everywhere: ffmpeg's `mandelbrot` zoom behind a `testsrc2` panel sliding across it, x264
veryfast CRF 23 with 2 s GOPs and B-frames, and one planted 1 s freeze (frames 900-929
repeat frame 900, by `freezeframes`). Runs `run_quality_suite` in this process, pinned to
`--cpus` CPUs (2 by default; the goal is faster than real time on 2 cores), over the whole
clip, and prints the wall time, its ratio to the clip's length, frames decoded, points per key,
the freezes found, the CPU time the process used (all threads: PyAV decodes on its own
threads, OpenCV parallelises some calls) and where the time went (the suite's own per-key
clock; "decode" is the scan and everything else in the pass).
Run: `.venv/bin/python benchmarks/bench_video_quality.py [--cpus 2] [--repeat 1]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

from analysis.media.probe import probe
from analysis.quality import QUALITY_KEYS, QualityRequest, QualityResult, run_quality_suite

ROOT = Path(__file__).resolve().parent.parent
FPS, SECONDS = 30, 60
FREEZE_FIRST, FREEZE_LAST = 900, 929


def make_video(target: Path) -> Path:
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"making {target.name} (60 s 720p with a mandelbrot zoom; a few minutes, once)…")
    part = target.with_suffix(".part.mp4")
    graph = (
        f"mandelbrot=s=1280x720:r={FPS}[bg];testsrc2=s=480x270:r={FPS}[panel];"
        "[bg][panel]overlay=x='400+380*sin(t/3)':y='225+200*cos(t/4)',"
        f"trim=duration={SECONDS},split[a][b];"
        f"[a][b]freezeframes=first={FREEZE_FIRST}:last={FREEZE_LAST}:replace={FREEZE_FIRST}"
    )
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-filter_complex", graph,
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", str(2 * FPS),
         "-pix_fmt", "yuv420p", str(part)],
        check=True,
    )  # fmt: skip
    part.replace(target)
    return target


def pin_cpus(count: int) -> str:
    available = sorted(os.sched_getaffinity(0))
    chosen = set(available[:count])
    os.sched_setaffinity(0, chosen)
    return f"{len(chosen)} of {len(available)} CPUs"


def report(result: QualityResult, wall_s: float, duration_s: float) -> None:
    print(
        f"wall {wall_s:.2f} s for {duration_s:.1f} s of video: {wall_s / duration_s:.3f}x real "
        f"time ({duration_s / wall_s:.1f}x faster than real time), "
        f"{result.frames_decoded} frames decoded ({result.frames_decoded / wall_s:.0f} fps)"
    )
    print("points: " + ", ".join(f"{k} {len(s)}" for k, s in result.series.items()))
    spans = ", ".join(
        f"frames {f.start_frame}-{f.end_frame} ({f.start_ms:.0f}-{f.end_ms:.0f} ms)"
        for f in result.freezes
    )
    print(f"freezes: {spans or 'none'} (planted: frames {FREEZE_FIRST}-{FREEZE_LAST})")
    total = sum(result.seconds.values())
    print("where the time went:")
    for key, seconds in sorted(result.seconds.items(), key=lambda item: -item[1]):
        points = len(result.series[key]) if key in result.series else result.frames_decoded
        print(
            f"  {key:20s} {seconds:6.2f} s  {seconds / total:5.1%}  "
            f"{seconds / max(points, 1) * 1000:6.2f} ms a call ({points} calls)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpus", type=int, default=2, help="CPUs to pin this process to")
    parser.add_argument("--repeat", type=int, default=1, help="runs over the clip")
    args = parser.parse_args()
    video = make_video(ROOT / ".reelgraph-bench" / "media" / "quality-60s-720p30.mp4")
    print(f"pinned to {pin_cpus(args.cpus)}")
    info = probe(video)
    print(
        f"{video.name}: {info.width}x{info.height}, {info.fps} fps, {info.frame_count} frames, "
        f"{info.video_codec}, {info.duration_ms / 1000:.1f} s"
    )
    request = QualityRequest(start_ms=0.0, end_ms=SECONDS * 1000.0, keys=QUALITY_KEYS)
    for run in range(args.repeat):
        cpu_before, started = os.times(), time.perf_counter()
        result = run_quality_suite(video, float(FPS), request)
        wall_s = time.perf_counter() - started
        cpu_after = os.times()
        cpu_s = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
        print(f"\nrun {run + 1}: this process used {cpu_s:.1f} CPU-seconds in {wall_s:.1f} s")
        report(result, wall_s, float(SECONDS))


if __name__ == "__main__":
    main()
