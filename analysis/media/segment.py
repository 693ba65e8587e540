"""ffmpeg command lines that stream a file, or a frame range of it, without re-encoding."""

from __future__ import annotations

from pathlib import Path

from analysis.media.untrusted import ffmpeg_input

FRAGMENTED_MP4 = ["-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof"]


def stream_copy_command(
    source: Path,
    *,
    start_s: float | None = None,
    duration_s: float | None = None,
    audio: bool = True,
) -> list[str]:
    """``-c copy`` to fragmented MP4 on stdout, as seed 004's /video table says.

    Input seeking with stream copy starts at the keyframe at or before ``start_s``.
    """
    seek = ["-ss", f"{start_s:.6f}"] if start_s is not None and start_s > 0 else []
    cmd = ["ffmpeg", "-nostdin", "-v", "error", *ffmpeg_input(source, *seek)]
    if duration_s is not None:
        cmd += ["-t", f"{duration_s:.6f}"]
    cmd += ["-map", "0:v:0?"]
    if audio:
        cmd += ["-map", "0:a:0?"]
    else:
        cmd += ["-an"]
    cmd += ["-c", "copy", *FRAGMENTED_MP4, "pipe:1"]
    return cmd


def edit_listed_copy_command(
    source: Path, *, start_s: float, duration_s: float, audio: bool, target: Path
) -> list[str]:
    """``-c copy`` of a window into a plain (not fragmented) MP4 file at ``target``.

    A stream copy has to begin at the keyframe at or before ``start_s``. In a plain MP4 ffmpeg
    keeps those lead-in frames but writes an edit list that starts playback at ``start_s``
    (browsers honour it: measured in Chromium, the first frame shown is the window's); a
    fragmented MP4 cannot say so, and plays from the keyframe. ``+faststart`` moves the index to
    the front, which needs a seekable output: a file, not a pipe.
    """
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    cmd += [*ffmpeg_input(source, "-ss", f"{start_s:.6f}"), "-t", f"{duration_s:.6f}"]
    cmd += ["-map", "0:v:0?", *(["-map", "0:a:0?"] if audio else ["-an"])]
    return [*cmd, "-c", "copy", "-movflags", "+faststart", "-f", "mp4", f"file:{target}"]
