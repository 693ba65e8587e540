"""Clips for the label-driven video analyses, synthesised with their ground truth (issue 5)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from tests.media import SAMPLE_FPS, motion_frames

FREEZE_FRAMES = 100  # 4 s at 25 fps
FREEZE_FIRST, FREEZE_LAST = 40, 59  # frame 40's picture stays on screen through frame 59
FREEZE_START_MS = FREEZE_FIRST * 1000.0 / SAMPLE_FPS  # 1600
FREEZE_END_MS = (FREEZE_LAST + 1) * 1000.0 / SAMPLE_FPS  # 2400: frame 60 changes the picture


def encode_frames(
    frames: np.ndarray, target: Path, *, crf: int = 10, fps: int = SAMPLE_FPS
) -> Path:
    """BGR frames → H.264 (yuv420p) at ``crf``, one keyframe a second."""
    if not target.exists():
        h, w = frames.shape[1:3]
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
             "-s", f"{w}x{h}", "-r", str(fps), "-i", "pipe:0", "-c:v", "libx264",
             "-preset", "veryfast", "-crf", str(crf), "-g", str(fps), "-pix_fmt", "yuv420p",
             str(target)],
            input=np.ascontiguousarray(frames).tobytes(), check=True,
        )  # fmt: skip
    return target


def freeze_frames() -> np.ndarray:
    """The motion pattern with one planted freeze: frames 40-59 repeat frame 40."""
    frames = motion_frames()[:FREEZE_FRAMES].copy()
    frames[FREEZE_FIRST : FREEZE_LAST + 1] = frames[FREEZE_FIRST]
    return frames


def transcode(source: Path, target: Path, *args: str) -> Path:
    """``source`` re-encoded by ffmpeg with extra output arguments (filters, CRF...)."""
    if not target.exists():
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), *args,
             "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-an", str(target)],
            check=True,
        )  # fmt: skip
    return target
