"""Synthesised screen recordings: grey text-like pages, page loads and a spinner, with the
frames where each thing happens beside them."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from tests.support.media import ffmpeg, raw_video_input

FPS = 25
FRAME_MS = 1000.0 / FPS
PHONE_WIDTH, PHONE_HEIGHT = 240, 320  # a portrait phone screen

# A page load: the old page until the tap, a blank screen, then the new page block by block.
LOAD_FRAMES = 125  # 5 s
REQUEST_FRAME = 10  # the tap: the old page goes blank and the request starts
LOAD_PLACES = [(10, 10), (80, 120), (150, 10), (220, 120), (250, 10), (120, 60)]  # (y, x)

# A spinner: a 90° arc turning on a still page.
SPIN_FRAMES = 150  # 6 s
SPIN_FIRST, SPIN_LAST = 25, 99  # the spinner is drawn on these frames (1 s to 4 s)
SPIN_CENTRE, SPIN_RADIUS = (120, 165), 14


def encode_gray(frames: np.ndarray, target: Path, fps: int = FPS) -> Path:
    """Grey frames ``(n, h, w)`` uint8 → H.264 at high quality (CRF 12, 4:2:0, B-frames,
    a keyframe every 2 s), as a screen recorder would store them."""
    _, height, width = frames.shape
    ffmpeg(
        *raw_video_input("gray", width, height, fps),
        *["-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-g", str(2 * fps)],
        *["-pix_fmt", "yuv420p", str(target)],
        stdin=np.ascontiguousarray(frames, np.uint8).tobytes(),
    )
    return target


def text_page(
    height: int, width: int, seed: int, top: int = 0, bottom: int | None = None
) -> np.ndarray:
    """A white page with lines of dark glyph-like strokes between rows ``top`` and ``bottom``."""
    rng = np.random.default_rng(seed)
    page = np.full((height, width), 245, np.uint8)
    for y in range(top + 6, (bottom or height) - 12, 16):
        x = 8
        while x < width - 14:
            glyph = int(rng.integers(3, 8))
            page[y : y + 9, x : x + glyph] = rng.integers(20, 70)
            page[y + 3 : y + 6, x + 1 : x + glyph - 1] = 245  # an open stroke, not a solid bar
            x += glyph + int(rng.integers(2, 5)) + (10 if rng.random() < 0.15 else 0)
    return page


def loading_frames(block_frames: list[int]) -> np.ndarray:
    """The old page until the request, a blank screen, then one 60x100 block of the new page
    at each of ``block_frames``; the screen stays as the last block left it."""
    new_page = text_page(PHONE_HEIGHT, PHONE_WIDTH, seed=7)
    frames = np.empty((LOAD_FRAMES, PHONE_HEIGHT, PHONE_WIDTH), np.uint8)
    frames[:REQUEST_FRAME] = text_page(PHONE_HEIGHT, PHONE_WIDTH, seed=6)
    frames[REQUEST_FRAME:] = 245
    for n, (y, x) in zip(block_frames, LOAD_PLACES, strict=False):
        frames[n:, y : y + 60, x : x + 100] = new_page[y : y + 60, x : x + 100]
    return frames


def spinner_page() -> np.ndarray:
    """The still page the spinner turns on, with a blank space around it."""
    image = text_page(PHONE_HEIGHT, PHONE_WIDTH, seed=9)
    image[140:190, 60:180] = 245  # the space the spinner turns in
    return image


def spinner_frames(
    degrees_per_frame: float, first: int = SPIN_FIRST, last: int = SPIN_LAST
) -> np.ndarray:
    """A still page with a 90° arc turning ``degrees_per_frame`` on frames ``first..last``."""
    frames = np.repeat(spinner_page()[None], SPIN_FRAMES, axis=0)
    radii = (SPIN_RADIUS, SPIN_RADIUS)
    for n in range(first, last + 1):
        angle = degrees_per_frame * (n - first)
        cv2.ellipse(frames[n], SPIN_CENTRE, radii, angle, 0, 90, 40, 4, cv2.LINE_AA)
    return frames
