"""CO_OCCURS_WITH: for every pair of traces on screen together, when and how they look.

Counted over every frame a trace covers (detections and the interpolated frames between them).
Mutual gaze on a frame: the face further left is turned right (yaw ≥ ``gaze_yaw_min_deg``)
and the face further right is turned left (yaw ≤ -``gaze_yaw_min_deg``), i.e. the two heads
turn towards each other. An edge has ``mutual_gaze`` when that holds on at least
``gaze_min_frames`` frames; ``mutual_gaze_first_frame`` is the first of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.faces.detection import Detection
from analysis.faces.linking import Trace


@dataclass(frozen=True)
class GazeParams:
    gaze_yaw_min_deg: float = 12.0
    gaze_min_frames: int = 3


@dataclass(frozen=True)
class CoOccurrenceEdge:
    trace_a: int  # the lower trace id
    trace_b: int
    first_frame: int
    last_frame: int
    total_frames: int
    mutual_gaze: bool
    mutual_gaze_first_frame: int | None


def facing_each_other(a: Detection, b: Detection, yaw_min: float) -> bool:
    left, right = (a, b) if a.centre[0] <= b.centre[0] else (b, a)
    return left.yaw >= yaw_min and right.yaw <= -yaw_min


def co_occurrences(
    traces: Sequence[Trace], params: GazeParams = GazeParams()
) -> list[CoOccurrenceEdge]:
    by_frame: dict[int, list[tuple[int, Detection]]] = defaultdict(list)
    for trace in traces:
        for det in trace.detections:
            by_frame[det.frame].append((trace.trace_id, det))
    stats: dict[tuple[int, int], list[int]] = {}  # first, last, total, gaze frames, first gaze
    for frame in sorted(by_frame):
        present = sorted(by_frame[frame], key=lambda item: item[0])
        for i, (id_a, det_a) in enumerate(present):
            for id_b, det_b in present[i + 1 :]:
                entry = stats.setdefault((id_a, id_b), [frame, frame, 0, 0, -1])
                entry[1] = frame
                entry[2] += 1
                if facing_each_other(det_a, det_b, params.gaze_yaw_min_deg):
                    entry[3] += 1
                    if entry[4] < 0:
                        entry[4] = frame
    edges = []
    for (id_a, id_b), (first, last, total, gaze_frames, gaze_first) in sorted(stats.items()):
        gaze = gaze_frames >= params.gaze_min_frames
        edges.append(
            CoOccurrenceEdge(id_a, id_b, first, last, total, gaze, gaze_first if gaze else None)
        )
    return edges
