"""Frame-exact clips: seek to the keyframe before the range, trim by timestamp, re-encode.

The seed seeks with ``-ss`` before ``-i`` and counts frames with ``-vframes``; that lands on
the keyframe before the time, so the first frame is only approximately right. Here the input
seek goes to the keyframe itself (``-noaccurate_seek`` with absolute timestamps), and the
``trim`` filter keeps exactly the frames whose presentation times fall inside the range, so
``start_frame`` and ``end_frame`` (inclusive) are the clip's first and last frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.media.frames import Keyframe
from analysis.media.untrusted import ffmpeg_input


@dataclass(frozen=True)
class FrameRange:
    start: int
    end: int  # inclusive

    @property
    def count(self) -> int:
        return self.end - self.start + 1


def frame_time_s(keyframe: Keyframe, frame: int, fps: float) -> float:
    """Absolute presentation time of ``frame``, counted from the keyframe at or before it."""
    return keyframe.pts_ms / 1000.0 + (frame - keyframe.frame) / fps


def seek_args(keyframe: Keyframe, fps: float) -> list[str]:
    """Input options that start decoding at ``keyframe`` with timestamps left absolute."""
    # A little past the keyframe's time: the demuxer seeks to the keyframe at or before it.
    at = keyframe.pts_ms / 1000.0 + 0.25 / fps
    return ["-seek_timestamp", "1", "-copyts", "-noaccurate_seek", "-ss", f"{at:.6f}"]


def clip_command(
    source: Path,
    frames: FrameRange,
    keyframe: Keyframe,
    fps: float,
    *,
    audio: bool,
    debug: bool,
    crf: int,
    preset: str,
) -> list[str]:
    """ffmpeg writing MPEG-TS (H.264 + AAC) of frames ``frames.start..frames.end`` to stdout."""
    start_s = frame_time_s(keyframe, frames.start, fps)
    end_s = frame_time_s(keyframe, frames.end, fps)
    half = 0.5 / fps
    video = f"trim=start={start_s - half:.6f}:end={end_s + half:.6f},setpts=PTS-STARTPTS"
    if debug:
        video += (
            f",drawtext=text='CLIP  frame %{{eif\\:n+{frames.start}\\:d}}'"
            ":x=12:y=12:fontsize=h/14:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6"
        )
    cmd = ["ffmpeg", "-nostdin", "-v", "error", *ffmpeg_input(source, *seek_args(keyframe, fps))]
    cmd += ["-map", "0:v:0", "-vf", video, "-frames:v", str(frames.count)]
    cmd += ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p"]
    if audio:
        sound = f"atrim=start={start_s:.6f}:end={end_s + 2 * half:.6f},asetpts=PTS-STARTPTS"
        cmd += ["-map", "0:a:0?", "-af", sound, "-c:a", "aac", "-b:a", "128k"]
    else:
        cmd += ["-an"]
    return [*cmd, "-f", "mpegts", "pipe:1"]
