"""Shot (cut) detection: where a video's picture changes abruptly, as zero-based frame numbers.

The method is PySceneDetect's ``ContentDetector`` (Brandon Castellano, BSD-3-Clause,
https://github.com/Breakthrough/PySceneDetect, ``scenedetect/detectors/content_detector.py``)
with its default weights and its ``FlashFilter.Mode.SUPPRESS`` minimum scene length:

- every frame is converted to HSV (OpenCV's 8-bit HSV: hue 0-179, saturation and value 0-255);
  its score is the mean absolute difference from the previous frame of H, S and V, averaged
  over the three channels (0 for the first frame);
- a frame whose score reaches ``threshold`` (27 by default) starts a new shot when at least
  ``min_frames`` frames (15) have passed since the previous cut (the start counts as one), so
  a flash or a burst of fast cuts gives one cut, not one per frame;
- shot *i* covers ``[cut_i, cut_{i+1} - 1]``; the last ends at the last decoded frame, and a
  video without cuts is one shot.

The video is decoded once by ffmpeg, scaled to a fixed 96x54 with area averaging and piped as
rgb24. A mean over pixels barely depends on the size or aspect of the picture it is taken
over (every output pixel averages an equal share of the source), so a small fixed size keeps
the HSV work negligible beside decoding. The decoder skips its loop filter, which changes
pixels by a few levels at most and only matters for picture quality, not for cuts. Frames
keep presentation order and none are dropped or duplicated (``-fps_mode passthrough``), so
the n-th frame out of the pipe is frame n.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from analysis.errors import MediaError
from analysis.media.probe import ffmpeg_error_text
from analysis.media.untrusted import ffmpeg_input

SCAN_WIDTH = 96
SCAN_HEIGHT = 54
BATCH_FRAMES = 256
DETECT_TIMEOUT_S = 1800.0


@dataclass(frozen=True)
class Shot:
    start_frame: int
    end_frame: int  # inclusive


@dataclass(frozen=True)
class ShotScan:
    shots: tuple[Shot, ...]
    frame_count: int  # frames actually decoded


def hsv_frames(rgb: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) uint8 RGB frames → the same shape in OpenCV's 8-bit HSV."""
    n, h, w, _ = rgb.shape
    if n == 0:
        return rgb.copy()
    # One cvtColor call over the frames stacked into one tall image.
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb).reshape(n * h, w, 3), cv2.COLOR_RGB2HSV)
    return np.asarray(hsv).reshape(n, h, w, 3)


def content_scores(hsv: np.ndarray, previous: np.ndarray | None = None) -> np.ndarray:
    """Per frame: mean |ΔH|, |ΔS|, |ΔV| from the frame before, averaged (float64, shape (N,)).

    ``previous`` is the HSV frame before ``hsv[0]``; without it the first score is 0.
    """
    if len(hsv) == 0:
        return np.zeros(0)
    frames = hsv if previous is None else np.concatenate([previous[None], hsv])
    diffs = np.abs(np.diff(frames.astype(np.int16), axis=0))
    # reshape with the size spelled out: a one-frame batch has no diffs, and -1 cannot be
    # inferred from zero elements
    scores = diffs.reshape(len(diffs), int(np.prod(frames.shape[1:]))).mean(
        axis=1, dtype=np.float64
    )
    return scores if previous is not None else np.concatenate([[0.0], scores])


def detect_cuts(
    scores: Sequence[float] | np.ndarray, threshold: float, min_frames: int
) -> list[int]:
    """Frames that start a new shot: score ≥ threshold, ≥ min_frames after the last cut."""
    cuts: list[int] = []
    last_cut = 0
    above = np.flatnonzero(np.asarray(scores, dtype=np.float64) >= threshold)
    for frame in (int(f) for f in above):
        if frame > 0 and frame - last_cut >= min_frames:
            cuts.append(frame)
            last_cut = frame
    return cuts


def shots_from_cuts(cuts: Sequence[int], frame_count: int) -> tuple[Shot, ...]:
    """Consecutive shots covering frames 0 … frame_count - 1 (none for an empty video)."""
    if frame_count <= 0:
        return ()
    starts = [0, *(c for c in sorted(set(cuts)) if 0 < c < frame_count)]
    ends = [s - 1 for s in starts[1:]] + [frame_count - 1]
    return tuple(Shot(s, e) for s, e in zip(starts, ends, strict=True))


def _command(path: Path) -> list[str]:
    cmd = ["ffmpeg", "-nostdin", "-v", "error", *ffmpeg_input(path, "-skip_loop_filter", "all")]
    cmd += ["-map", "0:v:0", "-an", "-sn", "-dn"]
    cmd += ["-vf", f"scale={SCAN_WIDTH}:{SCAN_HEIGHT}:flags=area", "-fps_mode", "passthrough"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    return cmd


def scan_scores(
    path: Path,
    timeout_s: float = DETECT_TIMEOUT_S,
    *,
    expected_frames: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Decode the first video stream once; the content score of every frame, in order.

    ``progress`` gets the share of ``expected_frames`` scored after each batch.
    """
    frame_bytes = SCAN_WIDTH * SCAN_HEIGHT * 3
    scored = 0
    parts: list[np.ndarray] = []
    previous: np.ndarray | None = None
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            _command(path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr
        )
        assert proc.stdout is not None
        watchdog = threading.Timer(timeout_s, proc.kill)
        watchdog.start()
        try:
            while data := proc.stdout.read(frame_bytes * BATCH_FRAMES):
                count = len(data) // frame_bytes
                if count == 0:
                    break
                rgb = np.frombuffer(data[: count * frame_bytes], np.uint8)
                hsv = hsv_frames(rgb.reshape(count, SCAN_HEIGHT, SCAN_WIDTH, 3))
                parts.append(content_scores(hsv, previous))
                previous = hsv[-1].copy()
                scored += count
                if progress is not None and expected_frames:
                    progress(min(1.0, scored / expected_frames))
        finally:
            proc.stdout.close()
            proc.wait()
            timed_out = not watchdog.is_alive()
            watchdog.cancel()
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    if timed_out:
        raise MediaError(f"detecting shots took longer than {timeout_s:.0f} s")
    if proc.returncode != 0:
        raise MediaError(f"cannot decode the video: {ffmpeg_error_text(errors, path)}")
    scores = np.concatenate(parts) if parts else np.zeros(0)
    if len(scores) == 0:
        raise MediaError("the video has no decodable frames")
    return scores


def detect_shots(
    path: Path,
    *,
    threshold: float = 27.0,
    min_frames: int = 15,
    timeout_s: float = DETECT_TIMEOUT_S,
    expected_frames: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> ShotScan:
    """The shots of a video file; MediaError when it has no decodable video.

    ``progress`` gets the share of ``expected_frames`` (the probed count) scanned so far.
    """
    scores = scan_scores(path, timeout_s, expected_frames=expected_frames, progress=progress)
    cuts = detect_cuts(scores, threshold, min_frames)
    return ShotScan(shots=shots_from_cuts(cuts, len(scores)), frame_count=len(scores))
