"""Probe a media file with ffprobe: duration, frame rate, frame count, size and audio layout."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from analysis.errors import MediaError
from analysis.media.untrusted import (
    UnsupportedFormat,
    check_format,
    ffmpeg_input,
    refusal,
    refused_format,
)

PROBE_TIMEOUT_S = 120
# Text rendered as "ASCII art" video (ffmpeg decodes text files so): not media to analyse.
TEXT_CODECS = frozenset({"ansi", "bintext", "xbin", "idf"})


@dataclass(frozen=True)
class MediaInfo:
    duration_ms: float
    has_video: bool
    has_audio: bool
    format_name: str
    size_bytes: int
    fps: float | None = None
    frame_count: int | None = None
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None
    channels: int | None = None
    sample_rate: int | None = None

    @property
    def kind(self) -> str:
        return "video" if self.has_video else "audio"


def ffmpeg_error_text(stderr: str, path: Path) -> str:
    """ffmpeg's own words, without the server-side path (clients must not see it)."""
    lines: list[str] = []
    for raw in stderr.splitlines():
        line = raw.replace(f"file:{path}: ", "").replace(f"{path}: ", "")
        line = line.replace(str(path), "the file").strip()
        line = line.split("] ", 1)[-1] if line.startswith("[") else line
        if line and line not in lines:
            lines.append(line)
    return "; ".join(lines[-3:]) if lines else "unknown error"


def run_ffprobe(path: Path, *args: str, timeout: float = PROBE_TIMEOUT_S) -> dict[str, Any]:
    """Run ffprobe with JSON output; MediaError with ffprobe's own words when it fails, or
    naming the format when it is not an accepted one."""
    cmd = ["ffprobe", "-v", "error", "-of", "json", *args, *ffmpeg_input(path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"probing the media took longer than {timeout:.0f} s") from exc
    if proc.returncode != 0:
        refused = refused_format(proc.stderr)
        if refused is not None:
            raise refusal(refused)
        raise MediaError(f"not a readable media file: {ffmpeg_error_text(proc.stderr, path)}")
    try:
        data: dict[str, Any] = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise MediaError("ffprobe returned unreadable output") from exc
    return data


def _rate(value: str | None) -> float | None:
    if not value or value in {"0/0", "0"}:
        return None
    try:
        rate = float(Fraction(value))
    except (ValueError, ZeroDivisionError):
        return None
    return rate if rate > 0 else None


def probe(path: Path, *, max_pixels: int | None = None) -> MediaInfo:
    """Everything ingest stores about a file; MediaError for files with no usable stream, in a
    format that is not accepted, or with pictures larger than ``max_pixels``."""
    if not path.exists() or path.stat().st_size == 0:
        raise MediaError("the file is empty")
    try:
        data = run_ffprobe(path, "-show_format", "-show_streams")
    except UnsupportedFormat:
        raise
    except MediaError:
        if _is_text(path):
            raise MediaError("not a media file: the content is text") from None
        raise
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    check_format(str(fmt.get("format_name") or ""))
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if (video or {}).get("codec_name") in TEXT_CODECS:
        raise MediaError("not a media file: the content is text")
    if video is None and audio is None:
        raise MediaError("no audio or video stream found: not a media file")
    duration_s = _float(fmt.get("duration")) or _float((video or audio or {}).get("duration"))
    if not duration_s or duration_s <= 0:
        raise MediaError("the media has no duration: empty or truncated")
    fps = _rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")) if video else None
    frame_count = None
    if video is not None:
        frame_count = _int(video.get("nb_frames"))
        if not frame_count and fps:
            frame_count = round(duration_s * fps)
    width = _int(video.get("width")) if video else None
    height = _int(video.get("height")) if video else None
    if max_pixels is not None and width and height and width * height > max_pixels:
        raise MediaError(
            f"the video's {width}x{height} pictures exceed the limit of {max_pixels} pixels"
        )
    return MediaInfo(
        duration_ms=round(duration_s * 1000.0, 3),
        has_video=video is not None,
        has_audio=audio is not None,
        format_name=str(fmt.get("format_name") or ""),
        size_bytes=path.stat().st_size,
        fps=fps,
        frame_count=frame_count,
        width=width,
        height=height,
        video_codec=video.get("codec_name") if video else None,
        channels=_int(audio.get("channels")) if audio else None,
        sample_rate=_int(audio.get("sample_rate")) if audio else None,
    )


def _is_text(path: Path, sample_bytes: int = 4096) -> bool:
    """The file's first bytes are printable UTF-8 text (no media container looks like that)."""
    with path.open("rb") as fh:
        head = fh.read(sample_bytes)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a character cut at the end of the sample is fine
            return False
        text = head[: exc.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\r\n\t\ufeff\x1b" for ch in text)


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
