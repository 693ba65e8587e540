"""Clips with planted shot cuts (and ones without), with the true shots beside them."""

from __future__ import annotations

from pathlib import Path

from analysis.media.shots import Shot
from tests.support.media import ffmpeg

SHOT_FPS = 25
SHOT_FRAMES = 150
PLANTED_CUTS = (40, 95)
PLANTED_SHOTS = (Shot(0, 39), Shot(40, 94), Shot(95, 149))
FLASH_FRAMES = (48, 49)  # two white frames inside the second scene


class ShotMedia:
    """Clips of 150 frames at 25 fps, 320x240 H.264, each scene moving on its own."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _render(self, name: str, graph: str) -> Path:
        target = self.root / name
        if not target.exists():
            ffmpeg(
                *["-filter_complex", graph, "-map", "[v]"],
                *["-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p"],
                str(target),
            )
        return target

    def _three_scenes(self, extra: str = "") -> str:
        """A test pattern, a zooming Mandelbrot and scrolling colour bars, cut at 40 and 95.

        Every source is deterministic: ffmpeg 5.1's `gradients` draws new colours on each
        run even when seeded, and some draws barely move between frames.
        """
        a, b = PLANTED_CUTS
        r = f"s=320x240:r={SHOT_FPS}"
        return (
            f"testsrc2={r},trim=end_frame={a},setpts=PTS-STARTPTS[a];"
            f"mandelbrot={r},trim=end_frame={b - a},setpts=PTS-STARTPTS[b];"
            f"smptebars={r},scroll=h=0.004,trim=end_frame={SHOT_FRAMES - b},setpts=PTS-STARTPTS[c];"
            f"[a][b][c]concat=n=3:v=1:a=0{extra}[v]"
        )

    def planted_cuts(self) -> Path:
        return self._render("planted_cuts.mp4", self._three_scenes())

    def flash(self) -> Path:
        """The planted-cuts clip with frames 48 and 49 painted white (a camera flash)."""
        first, last = FLASH_FRAMES
        box = f",drawbox=c=white:t=fill:enable='between(n,{first},{last})'"
        return self._render("flash.mp4", self._three_scenes(box))

    def continuous_motion(self) -> Path:
        """One take: a pan across a wide test pattern while the hue turns a full circle."""
        graph = (
            f"testsrc2=s=960x240:r={SHOT_FPS}:d={SHOT_FRAMES / SHOT_FPS},"
            "crop=320:240:x='min(n*4\\,640)':y=0,hue=h=n*2.4[v]"
        )
        return self._render("continuous.mp4", graph)

    def audio_only(self) -> Path:
        target = self.root / "tone.m4a"
        if not target.exists():
            tone = "sine=frequency=440:sample_rate=48000:duration=2"
            ffmpeg("-f", "lavfi", "-i", tone, "-c:a", "aac", str(target))
        return target
