"""Benchmark: template match of a 120x40 logo over 60 s of 720p (30 fps), single and multiscale.

Makes (once, kept in `.reelgraph-bench/media/`) a 1280x720 30 fps H.264 clip of a moving
textured background with the logo shown in every other 2 s stretch, at a place that changes each
time, then runs `run_image_match` (decode, luma crop, matchTemplate, intervals) over the whole
clip with `method: template` at one scale and with the default six scales. Prints frames per
second for each and the intervals found (15 expected). `--seconds` shortens the multiscale pass.
Run: `.venv/bin/python benchmarks/bench_image_match.py`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.image_match.params import read_match_params  # noqa: E402
from analysis.image_match.scan import run_image_match  # noqa: E402
from tests.support.logos import background, logo, plant  # noqa: E402

FPS, SECONDS = 30, 60
W, H = 1280, 720
IMAGE = "2fe3c8df-4041-4580-8b81-5308fbbf5986"


def make_clip(path: Path) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    texture = background(W + 600, H, seed=7)
    command = [
        *["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24"],
        *["-s", f"{W}x{H}", "-r", str(FPS), "-i", "pipe:0"],
        *["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "60", "-pix_fmt"],
        *["yuv420p", str(path)],
    ]
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE)
    assert encoder.stdin is not None
    for n in range(FPS * SECONDS):
        shift = (n * 2) % 600
        frame = np.ascontiguousarray(texture[:, shift : shift + W])
        stretch = n // (2 * FPS)
        if stretch % 2 == 1:
            plant(frame, logo(), 100 + (stretch * 131) % 1000, 80 + (stretch * 97) % 560)
        encoder.stdin.write(frame.tobytes())
    encoder.stdin.close()
    assert encoder.wait() == 0
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=SECONDS, help="multiscale pass length")
    args = parser.parse_args()
    clip = make_clip(ROOT / ".reelgraph-bench" / "media" / "logo-60s-720p30.mp4")
    query = cv2.imencode(".png", logo())[1].tobytes()
    print(f"clip: {SECONDS} s {W}x{H} {FPS} fps, a 120x40 logo in 15 of 30 stretches of 2 s")
    for label, extra, seconds in (
        ("single-scale", {}, SECONDS),
        ("multiscale (6 scales)", {"use_multiscale": True}, args.seconds),
    ):
        params = read_match_params(
            {"method": "template", "image_id": IMAGE, "threshold": 0.9, **extra}
        )
        started = time.perf_counter()
        result = run_image_match(clip, FPS, 0.0, seconds * 1000.0, None, params, query, 40_000_000)
        wall = time.perf_counter() - started
        intervals = result.results[0].intervals
        print(f"{label:22s}: {result.frames / wall:6.1f} frames/s ({result.frames} frames in "
              f"{wall:.1f} s), {len(intervals)} intervals")  # fmt: skip


if __name__ == "__main__":
    main()
