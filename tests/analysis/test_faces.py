"""The pure face-tracing steps on synthesised inputs with known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.errors import ModelError
from analysis.faces.cooccurrence import co_occurrences, facing_each_other
from analysis.faces.decode import FrameSelection, iter_frames
from analysis.faces.detection import Detection
from analysis.faces.detections import EmbedScheduler
from analysis.faces.grouping import cluster_strangers, match_identities
from analysis.faces.linking import LinkParams, link_detections
from analysis.faces.models import load_face_models
from analysis.faces.packs import OPENCV_ZOO, verified_path
from analysis.faces.pose import head_pose
from tests.support.face_media import encode

FRONTAL = np.array([[40, 50], [80, 50], [60, 70], [45, 90], [75, 90]], np.float32)


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=128).astype(np.float32)
    return v / np.linalg.norm(v)


def _det(frame: int, x: float, person: int, yaw: float = 0.0, idx: int = 0) -> Detection:
    return Detection(
        frame=frame,
        det_idx=idx,
        x=x,
        y=50,
        w=60,
        h=60,
        confidence=0.9,
        landmarks=FRONTAL + np.float32(x),
        yaw=yaw,
        pitch=0.0,
        roll=0.0,
        blur=5.0,
        embedding=_unit(person),
    )


def test_head_pose_signs_and_roll() -> None:
    turned = FRONTAL.copy()
    turned[2, 0] += 10  # nose towards the image's right
    yaw, _, roll = head_pose(turned)
    assert yaw > 20 and abs(roll) < 1e-6
    mirrored = turned.copy()
    mirrored[:, 0] = 200 - mirrored[:, 0]
    mirrored = mirrored[[1, 0, 2, 4, 3]]  # keep "image-left eye first" after mirroring
    assert head_pose(mirrored)[0] == pytest.approx(-yaw)
    assert abs(head_pose(FRONTAL)[0]) < 1e-6
    angle = np.radians(30)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    rolled = (FRONTAL - 60) @ rotation.T + 60
    yaw_r, _, roll_r = head_pose(rolled.astype(np.float32))
    assert roll_r == pytest.approx(30, abs=0.01) and abs(yaw_r) < 1e-3  # roll is not yaw


def test_linking_survives_occlusion_and_never_swaps_people() -> None:
    frames = []
    for f in range(0, 60, 3):
        if 21 <= f <= 27:  # both hidden for 3 sampled frames (gap 9 < max gap 12)
            continue
        # two people cross: A moves right, B moves left, through the same place
        frames.append([_det(f, 10 + 4 * f, person=1, idx=0), _det(f, 250 - 4 * f, person=2, idx=1)])
    traces = link_detections(frames, LinkParams(max_gap_frames=12))
    assert len(traces) == 2
    for trace in traces:
        people = {tuple(d.embedding[:3]) for d in trace.detections if d.embedding is not None}
        assert len(people) == 1  # one person per trace, never a jump
        assert trace.start_frame == 0 and trace.end_frame == 57
        assert [d.frame for d in trace.detections] == list(range(58))  # interpolated between
    split = link_detections(frames, LinkParams(max_gap_frames=6))
    assert len(split) == 4


def test_linking_drops_single_detections() -> None:
    assert link_detections([[_det(0, 10, 1)]], LinkParams(min_detections=2)) == []


def test_co_occurrence_and_mutual_gaze() -> None:
    frames = [[_det(f, 10, 1, yaw=25, idx=0), _det(f, 200, 2, yaw=-25, idx=1)] for f in (0, 3, 6)]
    traces = link_detections(frames)
    (edge,) = co_occurrences(traces)
    assert (edge.first_frame, edge.last_frame, edge.total_frames) == (0, 6, 7)
    assert edge.mutual_gaze and edge.mutual_gaze_first_frame == 0
    away = [[_det(f, 10, 1, yaw=-25, idx=0), _det(f, 200, 2, yaw=25, idx=1)] for f in (0, 3, 6)]
    assert not co_occurrences(link_detections(away))[0].mutual_gaze
    assert facing_each_other(_det(0, 300, 1, yaw=-20), _det(0, 10, 2, yaw=20), 12)


def test_matching_and_stranger_clustering() -> None:
    gallery = [("collins", _unit(1))]
    near = _unit(1) + 0.3 * _unit(9)
    near /= np.linalg.norm(near)
    matches = match_identities({1: near, 2: _unit(2)}, gallery, 0.4)
    assert list(matches) == [1] and matches[1].identity_id == "collins"
    vectors = {1: _unit(2), 2: _unit(2), 3: _unit(3), 4: _unit(2)}
    clusters = cluster_strangers(vectors, {1: 0, 2: 50, 3: 10, 4: 90}, {(1, 2)}, 0.4)
    assert clusters == {1: [1, 4], 2: [3], 3: [2]}  # 1 and 2 share the screen: never one


def test_embed_scheduler_reembeds_periodically_and_when_crowded() -> None:
    scheduler = EmbedScheduler(every=3)
    box = (10.0, 10.0, 50.0, 50.0)
    embedded = [scheduler.select([box])[0] for _ in range(7)]
    assert embedded == [True, False, False, True, False, False, True]
    assert scheduler.select([box, (30.0, 10.0, 50.0, 50.0)]) == [True, True]


def test_decoded_frame_numbers_are_exact_after_a_seek(tmp_path: Path) -> None:
    frames = [np.full((64, 64, 3), (n * 7) % 256, np.uint8) for n in range(100)]
    video = encode(frames, tmp_path / "ramp.mp4")
    full = dict(iter_frames(video, FrameSelection(fps=25, stride=1)))
    assert sorted(full) == list(range(100))
    selection = FrameSelection(fps=25, stride=3, start_frame=51, end_frame=80, seek_s=2.0)
    part = list(iter_frames(video, selection))
    assert [n for n, _ in part] == list(range(51, 80, 3))
    for number, image in part:
        assert np.abs(image.astype(int) - full[number].astype(int)).mean() < 2


def test_missing_or_corrupt_model_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as missing:
        load_face_models(tmp_path, "opencv-zoo")
    message = str(missing.value)
    assert OPENCV_ZOO.detector.filename in message and "make install" in message
    (tmp_path / OPENCV_ZOO.detector.filename).write_bytes(b"not a model")
    with pytest.raises(ModelError, match=r"corrupt \(sha256 mismatch\)"):
        verified_path(tmp_path, OPENCV_ZOO.detector)
    with pytest.raises(ModelError, match="unknown face model pack"):
        load_face_models(tmp_path, "nope")
