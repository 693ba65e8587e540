"""Media synthesised with ffmpeg for the tests, with the ground truth beside it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

SAMPLE_FPS = 25
SAMPLE_SECONDS = 4
SAMPLE_FRAMES = SAMPLE_FPS * SAMPLE_SECONDS
SAMPLE_GOP = 25  # a keyframe every second


MOTION_FRAMES = 150


def motion_frames() -> np.ndarray:
    """The motion video's frames as they were encoded (BGR, n x 240 x 320 x 3)."""
    x = np.arange(320)[None, :]
    y = np.arange(240)[:, None]
    frames = np.empty((MOTION_FRAMES, 240, 320, 3), np.uint8)
    for n in range(MOTION_FRAMES):
        stripes = 128 + 100 * np.sin((x + 9 * n) * 2 * np.pi / 64) * np.ones_like(y)
        frames[n, :, :, 0] = stripes.astype(np.uint8)
        frames[n, :, :, 1] = (
            128 + 100 * np.cos((y + 5 * n) * 2 * np.pi / 48) * np.ones_like(x)
        ).astype(np.uint8)
        frames[n, :, :, 2] = ((x + y + 3 * n) % 256).astype(np.uint8)
        bx, by = (13 * n) % 280, (7 * n) % 200
        frames[n, by : by + 40, bx : bx + 40] = (255, 255, 255)
    return frames


class MediaFactory:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _ffmpeg(self, target: Path, *args: str) -> Path:
        if not target.exists():
            subprocess.run(
                ["ffmpeg", "-nostdin", "-v", "error", "-y", *args, str(target)], check=True
            )
        return target

    def sample_video(self) -> Path:
        """4 s, 320x240, 25 fps H.264 (GOP 25) with a stereo 48 kHz AAC tone."""
        return self._ffmpeg(
            self.root / "sample.mp4",
            "-f", "lavfi", "-i", f"testsrc2=s=320x240:r={SAMPLE_FPS}:d={SAMPLE_SECONDS}",
            "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SAMPLE_SECONDS}",
            "-ac", "2", "-c:v", "libx264", "-preset", "veryfast", "-g", str(SAMPLE_GOP),
            "-keyint_min", str(SAMPLE_GOP), "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest",
        )  # fmt: skip

    def motion_video(self) -> Path:
        """150 frames, 320x240, 25 fps: every frame differs a lot from the next (stripes
        scrolling 9 px a frame, a block walking). H.264 with B-frames and a 50-frame GOP, so
        frame-exact reads must decode across B-frames from a keyframe; a 440 Hz AAC tone."""
        target = self.root / "motion.mp4"
        if target.exists():
            return target
        frames = motion_frames()
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
             "-s", "320x240", "-r", str(SAMPLE_FPS), "-i", "pipe:0",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6",
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "16", "-g", "50",
             "-keyint_min", "50", "-sc_threshold", "0", "-bf", "3", "-pix_fmt", "yuv420p",
             "-c:a", "aac", "-shortest", str(target)],
            input=frames.tobytes(), check=True,
        )  # fmt: skip
        return target

    def tone_audio(self) -> Path:
        """2 s of a 440 Hz tone, AAC in M4A: a session with no video."""
        return self._ffmpeg(
            self.root / "tone.m4a",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2", "-c:a", "aac",
        )  # fmt: skip

    def truncated_video(self) -> Path:
        """The sample cut in half: its moov atom (at the end) is gone."""
        target = self.root / "truncated.mp4"
        if not target.exists():
            data = self.sample_video().read_bytes()
            target.write_bytes(data[: len(data) // 2])
        return target

    def text_file(self) -> Path:
        target = self.root / "notes.txt"
        target.write_text("this is not a video\n" * 50)
        return target
