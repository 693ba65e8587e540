"""Face detector and recogniser behind one small interface, loaded from a configured pack.

``FaceDetector.detect`` takes a BGR frame and returns boxes, scores and 5 landmarks (eyes,
nose, mouth corners, in image coordinates); ``FaceRecognizer.embed`` takes one aligned face and
returns an L2-normalised embedding. Inference runs on onnxruntime; the
alignment to the 112x112 ArcFace template is insightface's ``face_align.norm_crop``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
import onnxruntime as ort

from analysis.errors import ModelError
from analysis.faces.packs import FacePack, get_pack, verified_path


@dataclass(frozen=True)
class RawFace:
    box: tuple[float, float, float, float]  # x, y, w, h in frame pixels
    score: float
    landmarks: np.ndarray  # (5, 2) float32


class FaceDetector(Protocol):
    def detect(self, bgr: np.ndarray) -> list[RawFace]: ...


class FaceRecognizer(Protocol):
    dim: int

    def embed(self, aligned: np.ndarray) -> np.ndarray:
        """L2-normalised embedding of a 112x112 BGR face from :func:`align_face`."""
        ...


@dataclass
class FaceModels:
    pack: str
    detector: FaceDetector
    recognizer: FaceRecognizer


def _model_bytes(path: Path) -> bytes:
    """The model with initialisers removed from the graph inputs.

    SFace's exporter listed every weight as an overridable input, which stops onnxruntime from
    folding constants (about 20 % slower, and a warning per weight).
    """
    import onnx

    model = onnx.load(str(path))
    weights = {init.name for init in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in weights]
    if len(inputs) != len(model.graph.input):
        del model.graph.input[:]
        model.graph.input.extend(inputs)
    return bytes(model.SerializeToString())


def _session(path: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return ort.InferenceSession(_model_bytes(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnx/onnxruntime raise their own untyped errors for bad files
        raise ModelError(f"cannot load model file {path}: {exc}") from exc


def align_face(bgr: np.ndarray, landmarks: np.ndarray, size: int = 112) -> np.ndarray:
    """Similarity-warp the face onto the ArcFace 5-point template (insightface's norm_crop)."""
    from insightface.utils.face_align import norm_crop

    with warnings.catch_warnings():
        # scikit-image 0.26 deprecates the SimilarityTransform.estimate call norm_crop makes
        warnings.simplefilter("ignore", FutureWarning)
        return np.asarray(norm_crop(bgr, landmarks.astype(np.float32), size))


class YuNetDetector:
    """OpenCV Zoo's YuNet (2023mar): anchor-free, strides 8/16/32, fixed 640x640 input."""

    input_size = 640

    def __init__(self, path: Path, *, threads: int = 1, score_threshold: float = 0.6) -> None:
        self.session = _session(path, threads)
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.score_threshold = score_threshold
        self.nms_threshold = 0.3

    def detect(self, bgr: np.ndarray) -> list[RawFace]:
        size = self.input_size
        height, width = bgr.shape[:2]
        scale = size / max(height, width)
        resized = cv2.resize(bgr, (round(width * scale), round(height * scale)))
        canvas = np.zeros((size, size, 3), np.uint8)
        canvas[: resized.shape[0], : resized.shape[1]] = resized
        blob = canvas.transpose(2, 0, 1)[None].astype(np.float32)
        outputs = dict(zip(self.output_names, self.session.run(None, {"input": blob}), strict=True))
        boxes, scores, points = [], [], []
        for stride in (8, 16, 32):
            cells = size // stride
            score = np.sqrt(
                np.clip(outputs[f"cls_{stride}"][0, :, 0], 0, 1)
                * np.clip(outputs[f"obj_{stride}"][0, :, 0], 0, 1)
            )
            idx = np.nonzero(score > self.score_threshold)[0]
            if idx.size == 0:
                continue
            row, col = idx // cells, idx % cells
            box = outputs[f"bbox_{stride}"][0, idx]
            kps = outputs[f"kps_{stride}"][0, idx]
            cx, cy = (col + box[:, 0]) * stride, (row + box[:, 1]) * stride
            bw, bh = np.exp(box[:, 2]) * stride, np.exp(box[:, 3]) * stride
            boxes.append(np.stack([cx - bw / 2, cy - bh / 2, bw, bh], 1))
            kx = (kps[:, 0::2] + col[:, None]) * stride
            ky = (kps[:, 1::2] + row[:, None]) * stride
            points.append(np.stack([kx, ky], 2))
            scores.append(score[idx])
        if not boxes:
            return []
        all_boxes = np.concatenate(boxes) / scale
        all_points = np.concatenate(points) / scale
        all_scores = np.concatenate(scores)
        keep = cv2.dnn.NMSBoxes(
            all_boxes.tolist(), all_scores.tolist(), self.score_threshold, self.nms_threshold
        )
        return [
            RawFace(
                box=tuple(float(v) for v in all_boxes[i]),  # type: ignore[arg-type]
                score=float(all_scores[i]),
                landmarks=all_points[i].astype(np.float32),
            )
            for i in np.asarray(keep, dtype=int).reshape(-1)
        ]


class SFaceRecognizer:
    """OpenCV Zoo's SFace: 112x112 RGB input, 128-d embedding, cosine similarity."""

    dim = 128

    def __init__(self, path: Path, *, threads: int = 1) -> None:
        self.session = _session(path, threads)
        self.input_name = self.session.get_inputs()[0].name

    def embed(self, aligned: np.ndarray) -> np.ndarray:
        blob = aligned[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32)
        vector = np.asarray(self.session.run(None, {self.input_name: blob})[0][0], np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-12)


class ScrfdDetector:
    """insightface's SCRFD (e.g. buffalo_l ``det_10g.onnx``) through insightface's wrapper."""

    def __init__(self, path: Path, *, threads: int = 1, score_threshold: float = 0.5) -> None:
        from insightface.model_zoo.scrfd import SCRFD

        self.model: Any = SCRFD(model_file=str(path), session=_session(path, threads))
        self.model.prepare(-1, det_thresh=score_threshold, input_size=(640, 640))

    def detect(self, bgr: np.ndarray) -> list[RawFace]:
        boxes, points = self.model.detect(bgr, input_size=(640, 640))
        faces = []
        for box, kps in zip(boxes, points, strict=True):
            x1, y1, x2, y2, score = (float(v) for v in box)
            faces.append(RawFace((x1, y1, x2 - x1, y2 - y1), score, kps.astype(np.float32)))
        return faces


class ArcFaceRecognizer:
    """insightface's ArcFace ONNX (e.g. buffalo_l ``w600k_r50.onnx``)."""

    dim = 512

    def __init__(self, path: Path, *, threads: int = 1) -> None:
        from insightface.model_zoo.arcface_onnx import ArcFaceONNX

        self.model: Any = ArcFaceONNX(model_file=str(path), session=_session(path, threads))

    def embed(self, aligned: np.ndarray) -> np.ndarray:
        vector = np.asarray(self.model.get_feat(aligned)[0], np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-12)


_DETECTORS: dict[str, type[YuNetDetector] | type[ScrfdDetector]] = {
    "yunet": YuNetDetector,
    "scrfd": ScrfdDetector,
}
_RECOGNIZERS: dict[str, type[SFaceRecognizer] | type[ArcFaceRecognizer]] = {
    "sface": SFaceRecognizer,
    "arcface": ArcFaceRecognizer,
}


def load_face_models(
    models_dir: Path, pack_name: str, *, threads: int = 1, score_threshold: float = 0.6
) -> FaceModels:
    """Verify and load a pack's detector and recogniser (ModelError names a bad file)."""
    pack: FacePack = get_pack(pack_name)
    detector_path = verified_path(models_dir, pack.detector)
    recognizer_path = verified_path(models_dir, pack.recognizer)
    detector = _DETECTORS[pack.detector.kind](
        detector_path, threads=threads, score_threshold=score_threshold
    )
    recognizer = _RECOGNIZERS[pack.recognizer.kind](recognizer_path, threads=threads)
    return FaceModels(pack=pack.name, detector=detector, recognizer=recognizer)
