"""Frame-exact random access: seek to a keyframe, decode forward only as far as needed.

Frame ``n`` is the frame whose presentation time, counted from the stream's first frame, rounds
to ``n / fps`` (the numbering face tracing and the keyframe index use). The seed's way,
``select=eq(n\\,N)``, decodes every frame from the start of the file; here decoding starts at
the keyframe at or before ``n`` (from the ingest index) and frames that no other frame refers to
(most B-frames) are skipped until the target is reached. Skipping them cannot change the target's
pixels: a decoder only ever reads reference frames. The decoded frame's number is checked
against the target; a seek that lands past it (a stale or missing index) falls back to decoding
from the start of the stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from analysis.errors import MediaError
from analysis.media.untrusted import PYAV_OPTIONS


@dataclass(frozen=True)
class Keyframe:
    frame: int
    pts_ms: float  # absolute presentation time, as ffprobe reports it


@dataclass(frozen=True)
class Crop:
    x: int
    y: int
    w: int
    h: int

    def fits(self, width: int, height: int) -> bool:
        return self.w > 0 and self.h > 0 and self.x + self.w <= width and self.y + self.h <= height


class FrameNumbering:
    """Presentation time → frame number for one stream."""

    def __init__(self, stream: av.video.stream.VideoStream, fps: float) -> None:
        if stream.time_base is None:
            raise MediaError("the video stream has no time base")
        self.time_base: Fraction = stream.time_base
        self.start = stream.start_time or 0
        self.fps = fps

    def number(self, pts: int) -> int:
        return round(float((pts - self.start) * self.time_base) * self.fps)

    def pts_of_ms(self, pts_ms: float) -> int:
        return round(pts_ms / 1000.0 / float(self.time_base))


@contextmanager
def open_video(
    path: Path,
) -> Iterator[tuple[av.container.InputContainer, av.video.stream.VideoStream]]:
    try:
        container = av.open(f"file:{path}", options=PYAV_OPTIONS)
    except (av.FFmpegError, OSError) as exc:
        raise MediaError(f"cannot open the video: {exc}") from exc
    try:
        if not container.streams.video:
            raise MediaError("the file has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        yield container, stream
    finally:
        container.close()


def read_frame(path: Path, frame: int, fps: float, keyframe: Keyframe | None) -> np.ndarray:
    """Frame ``frame`` as a BGR array; MediaError when the video has no such frame."""
    with open_video(path) as (container, stream):
        numbering = FrameNumbering(stream, fps)
        # Without an index entry, the demuxer's own seek (by time) is tried first.
        seek_pts = (
            numbering.pts_of_ms(keyframe.pts_ms)
            if keyframe
            else numbering.start + int(frame / fps / float(numbering.time_base))
        )
        found = _decode_to(container, stream, numbering, frame, seek_pts)
        if found is None and seek_pts > numbering.start:
            found = _decode_to(container, stream, numbering, frame, numbering.start)
        if found is None:
            raise MediaError(f"frame {frame} is beyond the end of the video")
        return found


def _decode_to(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    numbering: FrameNumbering,
    target: int,
    seek_pts: int,
) -> np.ndarray | None:
    """Decode from the keyframe at or before ``seek_pts`` up to ``target``; None if it overshot."""
    container.seek(seek_pts, stream=stream, backward=True, any_frame=False)
    codec = stream.codec_context
    codec.flush_buffers()
    codec.skip_frame = "NONREF"
    previous: av.VideoFrame | None = None
    try:
        for packet in container.demux(stream):
            if packet.pts is not None and numbering.number(packet.pts) >= target:
                codec.skip_frame = "DEFAULT"
            for decoded in packet.decode():
                if decoded.pts is None:
                    continue
                number = numbering.number(decoded.pts)
                if number == target:
                    return decoded.to_ndarray(format="bgr24")
                if number > target:
                    # Past the target: either the seek overshot (no earlier frame seen), or
                    # the stream has no frame at that time (variable frame rate): the frame on
                    # screen then is the previous one.
                    return previous.to_ndarray(format="bgr24") if previous else None
                previous = decoded
    except av.FFmpegError as exc:
        raise MediaError(f"decoding the video failed: {exc}") from exc
    finally:
        codec.skip_frame = "DEFAULT"
    return None


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise MediaError("JPEG encoding failed")
    return buffer.tobytes()


def square_face_crop(
    x: float, y: float, w: float, h: float, width: int, height: int, margin: float = 1.4
) -> Crop:
    """A square around a face box, ``margin`` times its longer side, kept inside the frame."""
    side = round(min(max(w, h) * margin, width, height))
    side = max(side, 1)
    cx, cy = x + w / 2.0, y + h / 2.0
    left = round(min(max(cx - side / 2.0, 0), width - side))
    top = round(min(max(cy - side / 2.0, 0), height - side))
    return Crop(left, top, side, side)


def crop_and_resize(image: np.ndarray, crop: Crop | None, size: int | None = None) -> np.ndarray:
    if crop is not None:
        image = image[crop.y : crop.y + crop.h, crop.x : crop.x + crop.w]
    if size is not None and image.shape[:2] != (size, size):
        shrinking = image.shape[0] > size
        image = cv2.resize(
            image, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
        )
    return image
