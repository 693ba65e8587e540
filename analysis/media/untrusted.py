"""The one way untrusted media is opened: a local file, in an allow-listed container format.

ffmpeg's demuxers will happily follow a file's instructions to read other files: an HLS or DASH
playlist names its segments, a concat list names its parts, an image-sequence pattern names a
series of files, and any of them may name ``file:`` paths on the server or URLs. Every
ffprobe, ffmpeg and PyAV open of a recording therefore goes through :func:`ffmpeg_input` (command
lines) or :data:`PYAV_OPTIONS` (PyAV), which restrict the input to

- the ``file`` protocol, with the path given as ``file:<path>`` so no part of it is read as a
  protocol or option; and
- the demuxers in :data:`ALLOWED_DEMUXERS`, none of which opens another file or URL.

Ingest then checks the detected format name again (:func:`check_format`), so a format that is
refused says which one it was. The client's file name and extension play no part: ffmpeg
detects the format from the content.
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis.errors import MediaError

# ffmpeg demuxer names as `ffmpeg -demuxers` lists them; ffmpeg matches a whitelist entry
# against each alias of a demuxer ("mov" allows "mov,mp4,m4a,3gp,3g2,mj2").
ALLOWED_DEMUXERS: tuple[str, ...] = (
    "mov",  # MP4, MOV, M4A, 3GP (external data references are off by default)
    "matroska",  # MKV, WebM
    "avi",
    "mpegts",
    "mpeg",  # MPEG program stream (VOB)
    "flv",
    "asf",  # WMV, WMA
    "ogg",  # Ogg Vorbis, Opus, Theora
    "wav",
    "w64",
    "aiff",
    "flac",
    "mp3",
    "aac",  # ADTS
)
FORMAT_WHITELIST = ",".join(ALLOWED_DEMUXERS)
PROTOCOL_WHITELIST = "file"
ACCEPTED_FORMATS_TEXT = (
    "MP4/MOV/M4A, Matroska/WebM, AVI, MPEG-TS, MPEG-PS, FLV, ASF/WMV, Ogg/Opus, WAV, W64, AIFF, "
    "FLAC, MP3 and AAC"
)

# Options for av.open: the same restrictions, applied by libavformat itself.
PYAV_OPTIONS: dict[str, str] = {
    "protocol_whitelist": PROTOCOL_WHITELIST,
    "format_whitelist": FORMAT_WHITELIST,
}

# "[hls @ 0x55d0c0ffee00] Format not on whitelist 'mov,...'": the bracket names the demuxer.
_NOT_ON_WHITELIST = re.compile(r"^\[([\w,]+) @ 0x[0-9a-f]+\] Format not on whitelist", re.M)
_INDIRECTION = {
    "hls": "an HLS playlist",
    "dash": "a DASH manifest",
    "concat": "a concat list",
    "ffconcat": "a concat list",
    "image2": "an image sequence",
    "webm_dash_manifest": "a DASH manifest",
}


def ffmpeg_input(path: Path, *options: str) -> list[str]:
    """The input part of an ffmpeg/ffprobe command line: ``options`` (seeks, decoder flags)
    then the restrictions, then ``-i file:<path>``."""
    return [
        *options,
        "-protocol_whitelist",
        PROTOCOL_WHITELIST,
        "-format_whitelist",
        FORMAT_WHITELIST,
        "-i",
        f"file:{path}",
    ]


def refused_format(stderr: str) -> str | None:
    """The demuxer ffmpeg detected and refused, when ``stderr`` says so."""
    found = _NOT_ON_WHITELIST.search(stderr)
    return found.group(1) if found else None


class UnsupportedFormat(MediaError):
    """The media is in a format that is not on the allow-list."""


def refusal(format_name: str) -> UnsupportedFormat:
    """The error for media in a format that is not on the allow-list."""
    short = format_name.split(",")[0]
    kind = _INDIRECTION.get(short)
    if kind is None and short.endswith("_pipe"):
        kind = "a still image"
    what = f"{kind} ({short})" if kind else f"the {short!r} format"
    return UnsupportedFormat(
        f"unsupported media: {what} is not accepted; playlists, concat lists and image "
        f"sequences are refused. Accepted containers: {ACCEPTED_FORMATS_TEXT}"
    )


def check_format(format_name: str) -> None:
    """MediaError unless the demuxer ``format_name`` (as ffprobe reports it) is allowed."""
    aliases = set(format_name.split(","))
    if not aliases & set(ALLOWED_DEMUXERS):
        raise refusal(format_name)
