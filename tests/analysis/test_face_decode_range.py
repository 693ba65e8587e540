"""A frame range is decoded alone: ffmpeg stops at its end instead of reading to the file's end.

The video is fed through a FIFO by a writer thread that counts the bytes ffmpeg took. Reading
the first 50 frames of a 60 s file must take a small part of it; before the fix ffmpeg kept
decoding (and reading) to the end of the file for every chunk, which made face tracing
quadratic in the length of the video.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from analysis.faces.decode import FrameSelection, iter_frames
from tests.support.media import ffmpeg

FPS = 25


@pytest.fixture(scope="module")
def long_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 s of lossless 320x240 Matroska (about 13 MB: far more than a pipe buffers)."""
    target = tmp_path_factory.mktemp("decode") / "long.mkv"
    ffmpeg(
        *["-f", "lavfi", "-i", f"testsrc2=s=320x240:r={FPS}:d=60"],
        *["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-g", str(FPS), str(target)],
    )
    return target


def _bytes_read(video: Path, fifo: Path, selection: FrameSelection) -> tuple[int, list[int]]:
    """Decode ``selection`` from ``fifo`` while a thread writes ``video`` into it."""
    os.mkfifo(fifo)
    written = 0

    def feed() -> None:
        nonlocal written
        with video.open("rb") as source, fifo.open("wb") as sink:
            try:
                while chunk := source.read(64 * 1024):
                    sink.write(chunk)
                    written += len(chunk)
            except BrokenPipeError:
                pass  # the reader went away: exactly what a bounded range should do

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    numbers = [number for number, _ in iter_frames(fifo, selection)]
    writer.join(timeout=60)
    assert not writer.is_alive()
    return written, numbers


def test_a_chunk_at_the_start_does_not_read_the_whole_file(
    long_video: Path, tmp_path: Path
) -> None:
    selection = FrameSelection(fps=FPS, stride=3, start_frame=0, end_frame=50)
    written, numbers = _bytes_read(long_video, tmp_path / "fifo", selection)
    assert numbers == list(range(0, 50, 3))
    size = long_video.stat().st_size
    assert written < size * 0.1, f"ffmpeg read {written} of {size} bytes for 2 s of 60 s"


def test_an_open_ended_range_reads_to_the_end(long_video: Path, tmp_path: Path) -> None:
    selection = FrameSelection(fps=FPS, stride=25, start_frame=1400, end_frame=None)
    written, numbers = _bytes_read(long_video, tmp_path / "fifo", selection)
    assert numbers == [1400, 1425, 1450, 1475]
    assert written == long_video.stat().st_size
