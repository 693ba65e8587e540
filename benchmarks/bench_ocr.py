"""Benchmark: OCR of a 60 s 720p 30 fps label whose text changes every 2 s.

Makes (once, kept in `.reelgraph-bench/media/`) a 1280x720 30 fps H.264 clip of 30 text lines
(one every 2 s, 1800 frames) on a band of a moving background, then OCRs the band two ways in
one run: reelgraph's (`run_ocr`: Tesseract reads a crop only when it changed) and the naive way
(one Tesseract call per frame, same crops, same engine: Tesseract's API in-process through
tesserocr). Prints wall time, Tesseract calls and how many lines were read exactly.
`--naive-frames N` limits the naive pass to the first N frames and scales its time up.
Run: `.venv/bin/python benchmarks/bench_ocr.py [--naive-frames 1800]`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.media.frame_scan import Box, scan_frames  # noqa: E402
from analysis.ocr.engine import Tesseract  # noqa: E402
from analysis.ocr.params import read_ocr_params  # noqa: E402
from analysis.ocr.scan import read_crop, run_ocr  # noqa: E402
from tests.support.rendered_text import place, text_image  # noqa: E402

FPS, SECONDS, EVERY_S = 30, 60, 2
W, H = 1280, 720
BOX = Box(160, 320, 1120, 400)
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()


def lines() -> list[str]:
    return [f"Step {n + 1} {WORDS[n % 12]} {WORDS[(n * 5 + 3) % 12]}" for n in range(SECONDS // 2)]


def make_clip(path: Path) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    stills = []
    for n, text in enumerate(lines()):
        frame = np.zeros((H, W, 3), np.uint8)
        frame[:] = (40 + n * 3, 60, 90)
        frame[100:200, (n * 37) % 1000 : (n * 37) % 1000 + 200] = (200, 200, 200)
        place(frame, text_image(text, size=40, width=BOX.width, height=BOX.height), BOX.x0, BOX.y0)
        stills.append(frame)
    raw = np.stack(stills).tobytes()
    command = [
        *["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24"],
        *["-s", f"{W}x{H}", "-r", str(1 / EVERY_S), "-i", "pipe:0", "-r", str(FPS)],
        *["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "60", "-pix_fmt"],
        *["yuv420p", "-t", str(SECONDS), str(path)],
    ]
    subprocess.run(command, input=raw, check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--naive-frames", type=int, default=FPS * SECONDS)
    args = parser.parse_args()
    clip = make_clip(ROOT / ".reelgraph-bench" / "media" / "ocr-60s-720p30.mp4")
    params = read_ocr_params({})
    end_ms = SECONDS * 1000.0

    started = time.perf_counter()
    ours = run_ocr(clip, FPS, 0.0, end_ms, BOX, params)
    ours_s = time.perf_counter() - started
    truth = lines()
    read_right = sum(s.text == t for s, t in zip(ours.segments, truth, strict=False))

    engine = Tesseract()
    started = time.perf_counter()
    naive_texts: list[str] = []
    for frame in scan_frames(clip, fps=FPS, start_ms=0.0, end_ms=end_ms, box=BOX):
        if len(naive_texts) >= args.naive_frames:
            break
        naive_texts.append(read_crop(engine, frame.bgr(), params).text)
    naive_s = time.perf_counter() - started
    scale = ours.frames / max(len(naive_texts), 1)
    print(f"clip: {SECONDS} s {W}x{H} {FPS} fps, text changes every {EVERY_S} s, box {BOX}")
    print(f"ours : {ours_s:7.1f} s wall, {ours.calls:5d} Tesseract calls, {ours.frames} frames, "
          f"{len(ours.segments)} segments, {read_right}/{len(truth)} lines exact")  # fmt: skip
    naive_note = (
        "" if scale == 1 else f" (measured on {len(naive_texts)} frames, scaled x{scale:.1f})"
    )
    print(f"naive: {naive_s * scale:7.1f} s wall, {engine.calls * scale:5.0f} Tesseract calls"
          f"{naive_note}")  # fmt: skip
    print(f"speed-up: {naive_s * scale / ours_s:.1f}x")


if __name__ == "__main__":
    main()
