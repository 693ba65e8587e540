"""Link detections on the sampled frames into traces, then fill the frames in between.

Each detection frame is matched greedily against the open traces by a score combining the IoU
of the trace's predicted box (constant velocity) and the cosine similarity of the embeddings:
- same place, same face: IoU ≥ ``iou_min`` and similarity ≥ ``similarity_min``;
- moved fast, same face: similarity ≥ ``similarity_strong`` and centre within two face widths.
A face that looks like someone else never continues a trace, so a trace does not jump between
people. A trace stays open for ``max_gap_frames`` without a match (short occlusions, missed
detections); frames between two matched detections get linearly interpolated boxes and
landmarks (flagged ``interpolated``). Traces with fewer than ``min_detections`` detections
are dropped as noise. Trace ids are 1, 2, … in order of first frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np

from analysis.faces.detection import Detection, box_iou


@dataclass(frozen=True)
class LinkParams:
    max_gap_frames: int = 12
    iou_min: float = 0.3
    similarity_min: float = 0.3
    similarity_strong: float = 0.5
    min_detections: int = 2


@dataclass
class Trace:
    trace_id: int
    detections: list[Detection] = field(default_factory=list)  # detected + interpolated

    @property
    def start_frame(self) -> int:
        return self.detections[0].frame

    @property
    def end_frame(self) -> int:
        return self.detections[-1].frame

    @property
    def face_count(self) -> int:
        return len(self.detections)

    def mean_embedding(self) -> np.ndarray | None:
        vectors = [d.embedding for d in self.detections if d.embedding is not None]
        if not vectors:
            return None
        mean = np.mean(np.stack(vectors), axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


@dataclass
class _Open:
    detections: list[Detection]
    velocity: tuple[float, float] = (0.0, 0.0)
    embedding: np.ndarray | None = None

    @property
    def last(self) -> Detection:
        return self.detections[-1]


def _match_score(track: _Open, det: Detection, params: LinkParams) -> float | None:
    last = track.last
    gap = det.frame - last.frame
    predicted = (last.x + track.velocity[0] * gap, last.y + track.velocity[1] * gap, last.w, last.h)
    iou = box_iou(predicted, (det.x, det.y, det.w, det.h))
    similarity = (
        float(track.embedding @ det.embedding)
        if track.embedding is not None and det.embedding is not None
        else None
    )
    if similarity is None:
        return iou if iou >= params.iou_min else None
    if iou >= params.iou_min and similarity >= params.similarity_min:
        return iou + similarity
    (cx, cy), (dx, dy) = last.centre, det.centre
    near = ((cx - dx) ** 2 + (cy - dy) ** 2) ** 0.5 <= 2.0 * max(last.w, det.w)
    if similarity >= params.similarity_strong and near:
        return similarity
    return None


def _extend(track: _Open, det: Detection) -> None:
    last = track.last
    gap = max(1, det.frame - last.frame)
    track.velocity = ((det.x - last.x) / gap, (det.y - last.y) / gap)
    if det.embedding is not None:
        if track.embedding is None:
            track.embedding = det.embedding
        else:
            mixed = 0.7 * track.embedding + 0.3 * det.embedding
            track.embedding = mixed / max(float(np.linalg.norm(mixed)), 1e-12)
    track.detections.append(det)


def link_detections(
    frames: Iterable[Sequence[Detection]], params: LinkParams = LinkParams()
) -> list[Trace]:
    """Traces from per-frame detections given in frame order (empty frames may be omitted)."""
    open_tracks: list[_Open] = []
    closed: list[_Open] = []
    for detections in frames:
        if not detections:
            continue
        frame = detections[0].frame
        still_open: list[_Open] = []
        for track in open_tracks:
            (closed if frame - track.last.frame > params.max_gap_frames else still_open).append(
                track
            )
        open_tracks = still_open
        candidates = []
        for ti, track in enumerate(open_tracks):
            for di, det in enumerate(detections):
                score = _match_score(track, det, params)
                if score is not None:
                    candidates.append((score, ti, di))
        used_tracks: set[int] = set()
        used_dets: set[int] = set()
        for _score, ti, di in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
            if ti in used_tracks or di in used_dets:
                continue
            used_tracks.add(ti)
            used_dets.add(di)
            _extend(open_tracks[ti], detections[di])
        for di, det in enumerate(detections):
            if di not in used_dets:
                open_tracks.append(_Open([det], embedding=det.embedding))
    closed.extend(open_tracks)
    kept = [t for t in closed if len(t.detections) >= params.min_detections]
    kept.sort(key=lambda t: (t.detections[0].frame, t.detections[0].x, t.detections[0].det_idx))
    traces = []
    for number, track in enumerate(kept, start=1):
        traces.append(Trace(number, _interpolate(track.detections, number)))
    return traces


def _interpolate(detected: list[Detection], trace_id: int) -> list[Detection]:
    filled: list[Detection] = []
    for prev, nxt in pairwise(detected):
        filled.append(prev)
        span = nxt.frame - prev.frame
        for step in range(1, span):
            a = step / span

            def mix(p: float, q: float, a: float = a) -> float:
                return p + (q - p) * a

            filled.append(
                replace(
                    prev,
                    frame=prev.frame + step,
                    det_idx=-trace_id,
                    x=mix(prev.x, nxt.x),
                    y=mix(prev.y, nxt.y),
                    w=mix(prev.w, nxt.w),
                    h=mix(prev.h, nxt.h),
                    confidence=min(prev.confidence, nxt.confidence),
                    landmarks=prev.landmarks + (nxt.landmarks - prev.landmarks) * a,
                    yaw=mix(prev.yaw, nxt.yaw),
                    pitch=mix(prev.pitch, nxt.pitch),
                    roll=mix(prev.roll, nxt.roll),
                    blur=None,
                    embedding=None,
                    interpolated=True,
                )
            )
    filled.append(detected[-1])
    return filled
