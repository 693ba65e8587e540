"""Videos with boxes drawn on them: decode a frame range, draw, pipe raw frames to an encoder.

Boxes are drawn in Python (OpenCV) rather than with one ffmpeg ``drawbox``/``drawtext`` per
frame and face: a trace of thousands of frames would need thousands of filter instances, while
here each frame costs one small drawing call. The encoder gets the audio from the source file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

from analysis.errors import MediaError
from analysis.media.clip import FrameRange, frame_time_s
from analysis.media.frames import FrameNumbering, Keyframe, open_video
from analysis.media.segment import FRAGMENTED_MP4
from analysis.media.untrusted import ffmpeg_input

HIGHLIGHT = (0, 215, 255)  # BGR amber
OTHER = (80, 220, 80)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    label: str
    highlight: bool = False


def draw_boxes(image: np.ndarray, boxes: Sequence[Box]) -> None:
    scale = max(image.shape[0] / 720.0, 0.4)
    for box in boxes:
        color = HIGHLIGHT if box.highlight else OTHER
        p1 = (round(box.x), round(box.y))
        p2 = (round(box.x + box.w), round(box.y + box.h))
        cv2.rectangle(image, p1, p2, color, max(2, round(3 * scale)))
        if box.label:
            _label(image, box.label, p1[0], p1[1], color, scale)


def draw_stamp(image: np.ndarray, text: str) -> None:
    _label(image, text, 8, 8, (255, 255, 255), max(image.shape[0] / 720.0, 0.4), below=True)


def _label(
    image: np.ndarray,
    text: str,
    x: int,
    y: int,
    color: tuple[int, int, int],
    scale: float,
    below: bool = False,
) -> None:
    font, size, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale, max(1, round(2 * scale))
    (tw, th), base = cv2.getTextSize(text, font, size, thick)
    top = y if below else max(y - th - base - 4, 0)
    cv2.rectangle(image, (x, top), (x + tw + 6, top + th + base + 4), (0, 0, 0), -1)
    cv2.putText(image, text, (x + 3, top + th + 2), font, size, color, thick, cv2.LINE_AA)


def overlay_frames(
    source: Path,
    frames: FrameRange,
    fps: float,
    keyframe: Keyframe,
    boxes: Mapping[int, Sequence[Box]],
    *,
    stamp: bool,
) -> Iterator[np.ndarray]:
    """Frames ``frames.start..frames.end`` (BGR) with their boxes, and the frame number."""
    with open_video(source) as (container, stream):
        numbering = FrameNumbering(stream, fps)
        container.seek(numbering.pts_of_ms(keyframe.pts_ms), stream=stream, backward=True)
        expected = frames.start
        try:
            for decoded in container.decode(stream):
                if decoded.pts is None:
                    continue
                number = numbering.number(decoded.pts)
                if number < expected:
                    continue
                if number > frames.end:
                    return
                image = decoded.to_ndarray(format="bgr24")
                draw_boxes(image, boxes.get(number, ()))
                if stamp:
                    draw_stamp(image, f"frame {number}")
                # A variable-rate stream may skip numbers: repeat to keep the clock right.
                for _ in range(number - expected + 1):
                    yield image
                expected = number + 1
        except av.FFmpegError as exc:
            raise MediaError(f"decoding the video failed: {exc}") from exc


def encode_command(
    source: Path,
    frames: FrameRange,
    keyframe: Keyframe,
    fps: float,
    size: tuple[int, int],
    *,
    audio: bool,
    crf: int,
    preset: str,
) -> list[str]:
    """ffmpeg reading BGR frames on stdin (and the range's audio) → fragmented MP4 on stdout."""
    width, height = size
    cmd = ["ffmpeg", "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24"]
    cmd += ["-s", f"{width}x{height}", "-framerate", f"{fps:.6f}", "-i", "pipe:0"]
    if audio:
        start_s = frame_time_s(keyframe, frames.start, fps)
        seek = ["-seek_timestamp", "1", "-ss", f"{start_s:.6f}", "-t", f"{frames.count / fps:.6f}"]
        cmd += ffmpeg_input(source, *seek)
        cmd += ["-map", "0:v", "-map", "1:a:0?", "-c:a", "aac", "-b:a", "128k"]
    else:
        cmd += ["-map", "0:v"]
    cmd += ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p"]
    return [*cmd, *FRAGMENTED_MP4, "pipe:1"]
