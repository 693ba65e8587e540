"""One decode pass over an interval of a video, shared by every analysis that reads it.

``scan_frames`` seeks to the keyframe before the interval and yields each frame whose
presentation time lies in ``[start_ms, end_ms)``, numbered as the rest of reelgraph numbers
frames (analysis/media/frames.py). Pixels are converted only when a consumer asks for them:
``luma()`` reads the decoder's Y plane without a colour conversion, ``bgr()`` converts once and
caches; both are cropped to the scan's box. Analyses that sample (say 10 per second) therefore
pay for decoding every frame but convert only the frames they use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

from analysis.errors import MediaError
from analysis.media.frames import FrameNumbering, open_video

# Decoder formats whose first plane is the luma channel at full resolution, 8 bits a sample.
_PLANAR_8BIT = frozenset({"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p"})


@dataclass(frozen=True)
class Box:
    """A region ``[x0, x1) x [y0, y1)`` in pixels, as a label's ``video_box`` gives it."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def fits(self, width: int, height: int) -> bool:
        return 0 <= self.x0 < self.x1 <= width and 0 <= self.y0 < self.y1 <= height


@dataclass
class ScannedFrame:
    """One decoded frame; pixels are converted (and cropped) on first use."""

    number: int
    t_ms: float  # presentation time from the stream's first frame
    _frame: av.VideoFrame
    _box: Box | None
    _bgr: np.ndarray | None = field(default=None, repr=False)
    _luma: np.ndarray | None = field(default=None, repr=False)

    def _crop(self, image: np.ndarray) -> np.ndarray:
        box = self._box
        return image if box is None else image[box.y0 : box.y1, box.x0 : box.x1]

    def bgr(self) -> np.ndarray:
        if self._bgr is None:
            self._bgr = self._crop(self._frame.to_ndarray(format="bgr24"))
        return self._bgr

    def luma(self) -> np.ndarray:
        """The video's own Y channel (uint8, usually limited range 16-235), unconverted."""
        if self._luma is None:
            frame = self._frame
            image: np.ndarray
            if frame.format.name in _PLANAR_8BIT:
                plane = frame.planes[0]
                rows = np.frombuffer(memoryview(plane), np.uint8)
                image = rows.reshape(plane.height, plane.line_size)[:, : plane.width]
            else:
                image = np.asarray(frame.to_ndarray(format="gray"), np.uint8)
            self._luma = self._crop(image)
        return self._luma


def scan_frames(
    path: Path,
    *,
    fps: float,
    start_ms: float = 0.0,
    end_ms: float | None = None,
    box: Box | None = None,
) -> Iterator[ScannedFrame]:
    """Every frame shown in ``[start_ms, end_ms)`` (to the end when ``end_ms`` is None).

    MediaError when the file cannot be decoded or the box does not fit the picture.
    """
    if fps <= 0:
        raise MediaError("the video has no frame rate")
    with open_video(path) as (container, stream):
        width, height = stream.codec_context.width, stream.codec_context.height
        if box is not None and not box.fits(width, height):
            raise MediaError(
                f"the box [{box.x0}, {box.y0}, {box.x1}, {box.y1}] is outside the "
                f"{width}x{height} picture"
            )
        numbering = FrameNumbering(stream, fps)
        time_base = float(numbering.time_base)
        if start_ms > 0:
            container.seek(
                numbering.start + numbering.pts_of_ms(start_ms),
                stream=stream,
                backward=True,
                any_frame=False,
            )
        try:
            for packet in container.demux(stream):
                for decoded in packet.decode():
                    if decoded.pts is None:
                        continue
                    t_ms = (decoded.pts - numbering.start) * time_base * 1000.0
                    if t_ms < start_ms - 1e-6:
                        continue
                    if end_ms is not None and t_ms >= end_ms - 1e-6:
                        return
                    yield ScannedFrame(numbering.number(decoded.pts), t_ms, decoded, box)
        except av.FFmpegError as exc:
            raise MediaError(f"decoding the video failed: {exc}") from exc
