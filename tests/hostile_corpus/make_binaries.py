"""Regenerate the binary members of the hostile corpus (run from the repo root; needs ffmpeg).

The text members (playlists, lists, manifests) are written by hand; ``@CANARY@`` and
``@OTHER@`` in them are filled in by the tests with paths of a canary file and of another
org's media.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
from tests.support.image_bombs import png_bomb  # noqa: E402


def ffmpeg(target: Path, *args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args, str(target)], check=True)


def main() -> None:
    (HERE / "pixel-bomb.png").write_bytes(png_bomb(16384, 16384))  # 805 MB as BGR
    # 8192x4608 = 37.7 MP: one black frame, above the default 36 MP picture limit
    ffmpeg(
        HERE / "pixel-bomb.mkv",
        *["-f", "lavfi", "-i", "color=c=black:s=8192x4608:r=25:d=0.04", "-frames:v", "1"],
        *["-c:v", "libx264", "-preset", "medium", "-pix_fmt", "yuv420p"],
    )
    ffmpeg(HERE / "still.jpg", "-f", "lavfi", "-i", "testsrc2=s=64x48", "-frames:v", "1")
    ffmpeg(HERE / "still.png", "-f", "lavfi", "-i", "testsrc2=s=64x48", "-frames:v", "1")
    good = HERE / "good.mp4"
    ffmpeg(
        good,
        *["-f", "lavfi", "-i", "testsrc2=s=64x48:r=10:d=1"],
        *["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"],
        *["-movflags", "+faststart"],
    )
    data = good.read_bytes()
    (HERE / "truncated.mp4").write_bytes(data[: len(data) // 2])
    # An HLS playlist with a whole MP4 after it: detected as a playlist, so refused.
    playlist = (HERE / "playlist.m3u8").read_bytes()
    (HERE / "polyglot-playlist-mp4.bin").write_bytes(playlist + data)
    good.unlink()


if __name__ == "__main__":
    main()
