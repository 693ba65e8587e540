"""OCR over a label's interval: one read per changed crop, equal reads merged into segments.

Each frame of ``[start_ms, end_ms)`` is cropped to the box (in the shared decode pass,
analysis/media/frame_scan.py) and turned upright; Tesseract reads it only when it changed since
the last read (compared on the decoder's luma plane, analysis/ocr/crop.py), otherwise the frame
keeps the last read's text. Runs of frames with the same kept text become one
:class:`OcrSegment`; frames whose kept text is empty become none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.media.frame_scan import Box, scan_frames
from analysis.ocr.crop import has_changed, resized, upright
from analysis.ocr.engine import OcrEngine, Tesseract
from analysis.ocr.params import OcrParams
from analysis.ocr.text import ReadText, Word, kept_text


@dataclass(frozen=True)
class OcrSegment:
    """Consecutive frames showing the same text: ``[start_ms, end_ms)``, frames inclusive."""

    start_ms: float
    end_ms: float
    start_frame: int
    end_frame: int
    text: str
    confidences: tuple[int, ...]


@dataclass(frozen=True)
class OcrResult:
    segments: tuple[OcrSegment, ...]
    frames: int  # frames looked at
    calls: int  # Tesseract reads made


@dataclass
class _Open:
    read: ReadText
    start_ms: float
    start_frame: int
    last_frame: int


def read_crop(engine: OcrEngine, crop_upright: np.ndarray, params: OcrParams) -> ReadText:
    """One Tesseract read of an upright crop, resized for ``target_height``; characters and
    words kept as the options and the threshold say."""
    options = params.options
    words = engine.read(resized(crop_upright, params.target_height), options)
    filtered = [Word(options.kept_characters(w.text.strip()), w.confidence) for w in words]
    return kept_text(filtered, params.confidence_threshold)


def run_ocr(
    path: Path,
    fps: float,
    start_ms: float,
    end_ms: float,
    box: Box,
    params: OcrParams,
    *,
    engine: OcrEngine | None = None,
    progress: Callable[[float], None] | None = None,
) -> OcrResult:
    """The text segments of ``box`` over ``[start_ms, end_ms)`` (with a Tesseract engine of its
    own, released afterwards, unless ``engine`` is given)."""
    if engine is not None:
        return _segments(path, fps, start_ms, end_ms, box, params, engine=engine, progress=progress)
    own = Tesseract()
    try:
        return _segments(path, fps, start_ms, end_ms, box, params, engine=own, progress=progress)
    finally:
        own.close()


def _segments(
    path: Path,
    fps: float,
    start_ms: float,
    end_ms: float,
    box: Box,
    params: OcrParams,
    *,
    engine: OcrEngine,
    progress: Callable[[float], None] | None = None,
) -> OcrResult:
    segments: list[OcrSegment] = []
    current: _Open | None = None
    last_grey: np.ndarray | None = None
    read = ReadText("", ())
    frames = calls = 0
    span = max(end_ms - start_ms, 1e-9)
    last_t = start_ms

    def close(at_ms: float) -> None:
        if current is not None and current.read.text:
            segments.append(
                OcrSegment(
                    current.start_ms,
                    at_ms,
                    current.start_frame,
                    current.last_frame,
                    current.read.text,
                    current.read.confidences,
                )
            )

    for frame in scan_frames(path, fps=fps, start_ms=start_ms, end_ms=end_ms, box=box):
        frames += 1
        last_t = frame.t_ms
        crop_luma = upright(frame.luma(), params.landscape)  # no colour conversion
        if has_changed(last_grey, crop_luma):
            crop = upright(frame.bgr(), params.landscape)
            read, last_grey = read_crop(engine, crop, params), crop_luma.copy()
            calls += 1
        if current is not None and current.read.text == read.text:
            current.last_frame = frame.number
        else:
            close(frame.t_ms)
            current = _Open(read, frame.t_ms, frame.number, frame.number)
        if progress is not None:
            progress((frame.t_ms - start_ms) / span)
    close(min(end_ms, last_t + 1000.0 / fps))
    return OcrResult(tuple(segments), frames, calls)
