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

FREEZE_FRAMES = 100  # 4 s at 25 fps
FREEZE_FIRST, FREEZE_LAST = 40, 59  # frame 40's picture stays on screen through frame 59
FREEZE_START_MS = FREEZE_FIRST * 1000.0 / SAMPLE_FPS  # 1600
FREEZE_END_MS = (FREEZE_LAST + 1) * 1000.0 / SAMPLE_FPS  # 2400: frame 60 changes the picture


def ffmpeg(*args: str, stdin: bytes | None = None) -> None:
    """Run ffmpeg quietly, overwriting its output; a failure shows ffmpeg's own message."""
    command = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    done = subprocess.run(command, input=stdin, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")


def raw_video_input(pix_fmt: str, width: int, height: int, fps: int) -> list[str]:
    """ffmpeg input arguments for raw frames piped on stdin."""
    size = f"{width}x{height}"
    return ["-f", "rawvideo", "-pix_fmt", pix_fmt, "-s", size, "-r", str(fps), "-i", "pipe:0"]


def decoded_frames(path: Path, width: int, height: int) -> np.ndarray:
    """Every frame ffmpeg decodes from ``path``, from the start (BGR, n x height x width x 3)."""
    cmd = ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "bgr24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


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


def freeze_frames() -> np.ndarray:
    """The motion pattern with one planted freeze: frames 40-59 repeat frame 40."""
    frames = motion_frames()[:FREEZE_FRAMES].copy()
    frames[FREEZE_FIRST : FREEZE_LAST + 1] = frames[FREEZE_FIRST]
    return frames


def encode_frames(
    frames: np.ndarray, target: Path, *, crf: int = 10, fps: int = SAMPLE_FPS
) -> Path:
    """BGR frames → H.264 (yuv420p) at ``crf``, one keyframe a second."""
    if not target.exists():
        h, w = frames.shape[1:3]
        ffmpeg(
            *raw_video_input("bgr24", w, h, fps),
            *["-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf), "-g", str(fps)],
            *["-pix_fmt", "yuv420p", str(target)],
            stdin=np.ascontiguousarray(frames).tobytes(),
        )
    return target


def transcode(source: Path, target: Path, *args: str) -> Path:
    """``source`` re-encoded by ffmpeg with extra output arguments (filters, CRF...)."""
    if not target.exists():
        ffmpeg(
            *["-i", str(source), *args],
            *["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-an", str(target)],
        )
    return target


class MediaFactory:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _ffmpeg(self, target: Path, *args: str) -> Path:
        if not target.exists():
            ffmpeg(*args, str(target))
        return target

    def sample_video(self) -> Path:
        """4 s, 320x240, 25 fps H.264 (GOP 25) with a stereo 48 kHz AAC tone."""
        gop = str(SAMPLE_GOP)
        picture = f"testsrc2=s=320x240:r={SAMPLE_FPS}:d={SAMPLE_SECONDS}"
        tone = f"sine=frequency=440:sample_rate=48000:duration={SAMPLE_SECONDS}"
        return self._ffmpeg(
            self.root / "sample.mp4",
            *["-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", tone],
            *["-ac", "2", "-c:v", "libx264", "-preset", "veryfast"],
            *["-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-pix_fmt", "yuv420p"],
            *["-c:a", "aac", "-shortest"],
        )

    def motion_video(self) -> Path:
        """150 frames, 320x240, 25 fps: every frame differs a lot from the next (stripes
        scrolling 9 px a frame, a block walking). H.264 with B-frames and a 50-frame GOP, so
        frame-exact reads must decode across B-frames from a keyframe; a 440 Hz AAC tone."""
        target = self.root / "motion.mp4"
        if target.exists():
            return target
        ffmpeg(
            *raw_video_input("bgr24", 320, 240, SAMPLE_FPS),
            *["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6"],
            *["-c:v", "libx264", "-preset", "veryfast", "-crf", "16"],
            *["-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-bf", "3"],
            *["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(target)],
            stdin=motion_frames().tobytes(),
        )
        return target

    def tone_audio(self) -> Path:
        """2 s of a 440 Hz tone, AAC in M4A: a session with no video."""
        return self._ffmpeg(
            self.root / "tone.m4a",
            *["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2"],
            *["-c:a", "aac"],
        )

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
