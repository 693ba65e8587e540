"""Media synthesised with ffmpeg for the tests, with the ground truth beside it."""

from __future__ import annotations

import subprocess
from pathlib import Path

SAMPLE_FPS = 25
SAMPLE_SECONDS = 4
SAMPLE_FRAMES = SAMPLE_FPS * SAMPLE_SECONDS
SAMPLE_GOP = 25  # a keyframe every second


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
