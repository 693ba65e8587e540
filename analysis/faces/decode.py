"""Decode every k-th frame of a video once, as BGR arrays with their zero-based frame numbers.

One ffmpeg process per call; frames are selected inside ffmpeg (only selected frames are
converted and piped), and the process is stopped at the first selected frame past the range,
so a range costs its own frames (from the keyframe before it), not the rest of the file.
Frame numbers come from each frame's timestamp (``round(t·fps) - round(t0·fps)``), so they
stay right after a seek and across frames the decoder had to drop; ``showinfo`` reports each
output frame's time and size on stderr.
"""

from __future__ import annotations

import queue
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.errors import MediaError
from analysis.media.untrusted import ffmpeg_input

_SHOWINFO = re.compile(r"n:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.e+-]+).*?\bs:(\d+)x(\d+)")
_WAIT_S = 120.0


@dataclass(frozen=True)
class FrameSelection:
    fps: float
    stride: int = 1
    start_frame: int = 0  # first frame wanted (inclusive)
    end_frame: int | None = None  # exclusive
    seek_s: float = 0.0  # input seek (a keyframe time at or before start_frame)
    stream_start_s: float = 0.0  # the video stream's first timestamp: frame 0


def _command(path: Path, sel: FrameSelection) -> list[str]:
    f0 = round(sel.stream_start_s * sel.fps)
    frame = f"(round(t*{sel.fps!r})-{f0})"
    # No upper bound here: `select` would drop the frames past the range while ffmpeg went on
    # decoding to the end of the file. The reader stops at the first frame past the range.
    cond = f"gte({frame}\\,{sel.start_frame})*not(mod({frame}\\,{sel.stride}))"
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "info"]
    if sel.seek_s > 0:
        cmd += ["-ss", f"{sel.seek_s:.6f}"]
    cmd += [*ffmpeg_input(path, "-copyts"), "-map", "0:v:0", "-an", "-sn", "-dn"]
    cmd += ["-vf", f"select={cond},showinfo", "-fps_mode", "passthrough"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"]
    return cmd


def iter_frames(path: Path, sel: FrameSelection) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame_number, bgr)`` for the selected frames, in order.

    Undecodable frames are skipped, as ffmpeg skips them; a file with no decodable video
    yields nothing. MediaError only when ffmpeg cannot open the file at all.
    """
    proc = subprocess.Popen(
        _command(path, sel),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    infos: queue.Queue[tuple[float, int, int] | None] = queue.Queue()
    tail: list[str] = []

    def read_stderr() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace")
            match = _SHOWINFO.search(line)
            if match:
                infos.put((float(match[1]), int(match[2]), int(match[3])))
            else:
                tail.append(line.strip())
                del tail[:-20]
        infos.put(None)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    f0 = round(sel.stream_start_s * sel.fps)
    try:
        while True:
            try:
                info = infos.get(timeout=_WAIT_S)
            except queue.Empty as exc:
                raise MediaError("decoding stalled: no frame for 120 s") from exc
            if info is None:
                break
            pts_time, width, height = info
            size = width * height * 3
            data = proc.stdout.read(size)
            if len(data) < size:
                break
            number = round(pts_time * sel.fps) - f0
            if sel.end_frame is not None and number >= sel.end_frame:
                break  # past the range: ffmpeg is stopped, not left decoding the rest
            yield number, np.frombuffer(data, np.uint8).reshape(height, width, 3)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.wait()
        reader.join(timeout=5)
        proc.stderr.close()
    if proc.returncode not in (0, None, -9) and any(
        "Invalid data" in t or "No such" in t for t in tail
    ):
        raise MediaError("ffmpeg cannot decode the video: " + (tail[-1] if tail else "unknown"))
