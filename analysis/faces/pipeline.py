"""The CPU-heavy steps of face tracing, as plain functions a process pool can run.

``detect_chunk`` decodes one frame range once and detects, aligns, measures and embeds every
face on every ``stride``-th frame; ``build_traces`` links those detections into traces and
computes the co-occurrence edges. Models load once per process and stay cached.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analysis.faces.cooccurrence import CoOccurrenceEdge, GazeParams, co_occurrences
from analysis.faces.decode import FrameSelection, iter_frames
from analysis.faces.detection import Detection
from analysis.faces.detections import EmbedScheduler, detect_faces
from analysis.faces.linking import LinkParams, Trace, link_detections
from analysis.faces.models import FaceModels, load_face_models


@dataclass(frozen=True)
class ModelSpec:
    models_dir: Path
    pack: str
    threads: int = 0
    score_threshold: float = 0.6


@dataclass
class ChunkResult:
    detections: list[Detection]
    frames: int
    seconds: dict[str, float] = field(default_factory=dict)  # decode / detect / embed


_models: dict[ModelSpec, FaceModels] = {}
_models_lock = threading.Lock()


def face_models(spec: ModelSpec) -> FaceModels:
    with _models_lock:
        if spec not in _models:
            threads = spec.threads or os.cpu_count() or 1
            _models[spec] = load_face_models(
                spec.models_dir, spec.pack, threads=threads, score_threshold=spec.score_threshold
            )
        return _models[spec]


def preload_models(spec: ModelSpec) -> str:
    """Load (and verify) the models in this process; returns the pack name (picklable)."""
    return face_models(spec).pack


def detect_chunk(
    path: Path,
    selection: FrameSelection,
    spec: ModelSpec,
    min_size: float = 0.0,
    embed_every: int = 4,
    *,
    expected_end: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> ChunkResult:
    """Detections on the selected frames of one range (decoded once, in one ffmpeg process).

    ``progress`` gets the share of the range done after each frame; an open range
    (``selection.end_frame`` None) is measured against ``expected_end``.
    """
    models = face_models(spec)
    end = selection.end_frame if selection.end_frame is not None else expected_end
    span = max(1, end - selection.start_frame) if end is not None else None
    scheduler = EmbedScheduler(embed_every)
    detections: list[Detection] = []
    seconds = {"decode": 0.0, "detect": 0.0, "embed": 0.0}
    frames = 0
    started = time.perf_counter()
    for frame_number, bgr in iter_frames(path, selection):
        seconds["decode"] += time.perf_counter() - started
        detections.extend(
            detect_faces(
                models,
                frame_number,
                bgr,
                min_size=min_size,
                seconds=seconds,
                scheduler=scheduler,
            )
        )
        frames += 1
        if progress is not None and span is not None:
            progress(min(1.0, (frame_number + 1 - selection.start_frame) / span))
        started = time.perf_counter()
    return ChunkResult(detections=detections, frames=frames, seconds=seconds)


def build_traces(
    detections: Sequence[Detection], link: LinkParams, gaze: GazeParams
) -> tuple[list[Trace], list[CoOccurrenceEdge]]:
    """Traces (with interpolated frames) and their co-occurrence edges."""
    by_frame: dict[int, list[Detection]] = {}
    for det in detections:
        by_frame.setdefault(det.frame, []).append(det)
    traces = link_detections((by_frame[f] for f in sorted(by_frame)), link)
    return traces, co_occurrences(traces, gaze)
