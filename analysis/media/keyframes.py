"""Keyframe index: the presentation-order frame number, time and byte offset of each keyframe."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import MediaError
from analysis.media.untrusted import ffmpeg_input

INDEX_TIMEOUT_S = 600


@dataclass(frozen=True)
class PacketScan:
    keyframes: list[tuple[int, float, int | None]]  # (frame_number, pts_ms, byte_pos)
    packet_count: int
    errors: str


def scan_video_packets(path: Path, timeout: float = INDEX_TIMEOUT_S) -> PacketScan:
    """Read every video packet header (no decoding): fast even for long files."""
    entries = "packet=pts_time,dts_time,flags,pos"
    cmd = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", entries]
    cmd += ["-of", "csv=p=0", *ffmpeg_input(path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"indexing keyframes took longer than {timeout:.0f} s") from exc
    packets: list[tuple[float, bool, int | None]] = []
    for line in proc.stdout.splitlines():
        parts = line.strip().split(",")
        if len(parts) < 4:
            continue
        pts_raw, dts_raw, pos_raw, flags = parts[0], parts[1], parts[2], parts[3]
        time_raw = pts_raw if pts_raw not in ("", "N/A") else dts_raw
        try:
            t = float(time_raw)
        except ValueError:
            continue
        pos = int(pos_raw) if pos_raw.isdigit() else None
        packets.append((t, "K" in flags, pos))
    # Frame numbers count in presentation order, so sort by pts before numbering.
    packets.sort(key=lambda p: p[0])
    keyframes = [(i, round(t * 1000.0, 3), pos) for i, (t, key, pos) in enumerate(packets) if key]
    return PacketScan(keyframes=keyframes, packet_count=len(packets), errors=proc.stderr.strip())
