"""Face detector and recogniser behind one small interface, loaded from a configured pack.

``FaceDetector.detect`` takes a BGR frame and returns boxes, scores and 5 landmarks (eyes,
nose, mouth corners, in image coordinates); ``FaceRecognizer.embed`` takes one aligned face and
returns an L2-normalised embedding. Both are ``analysis.models.InferenceModel`` subclasses:
the pinned file is verified and its onnxruntime session built on first use, once per process
(``shared_model``). The alignment to the 112x112 ArcFace template is insightface's
``face_align.norm_crop``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from analysis.faces.packs import FacePack, get_pack
from analysis.models.inference import InferenceModel, shared_model
from analysis.models.onnx import onnx_session
from analysis.models.pins import ModelFile


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


def align_face(bgr: np.ndarray, landmarks: np.ndarray, size: int = 112) -> np.ndarray:
    """Similarity-warp the face onto the ArcFace 5-point template (insightface's norm_crop)."""
    from insightface.utils.face_align import norm_crop

    with warnings.catch_warnings():
        # scikit-image 0.26 deprecates the SimilarityTransform.estimate call norm_crop makes
        warnings.simplefilter("ignore", FutureWarning)
        return np.asarray(norm_crop(bgr, landmarks.astype(np.float32), size))


class DetectorModel(InferenceModel[np.ndarray, list[RawFace]]):
    """A face detector file: ``detect(bgr)`` is ``predict(bgr)``."""

    def __init__(
        self, file: ModelFile, models_dir: Path, *, threads: int = 1, score_threshold: float = 0.6
    ) -> None:
        super().__init__(file, models_dir)
        self.threads = threads
        self.score_threshold = score_threshold

    def detect(self, bgr: np.ndarray) -> list[RawFace]:
        return self.predict(bgr)


class RecognizerModel(InferenceModel[np.ndarray, np.ndarray]):
    """A face recogniser file: ``embed(aligned)`` is ``predict(aligned)``."""

    dim: int

    def __init__(self, file: ModelFile, models_dir: Path, *, threads: int = 1) -> None:
        super().__init__(file, models_dir)
        self.threads = threads

    def embed(self, aligned: np.ndarray) -> np.ndarray:
        """L2-normalised embedding of a 112x112 BGR face from :func:`align_face`."""
        return self.predict(aligned)


class YuNetDetector(DetectorModel):
    """OpenCV Zoo's YuNet (2023mar): anchor-free, strides 8/16/32, fixed 640x640 input."""

    input_size = 640
    nms_threshold = 0.3

    def _load(self, path: Path) -> None:
        self.session = onnx_session(path, self.threads)
        self.output_names = [o.name for o in self.session.get_outputs()]

    def _predict(self, bgr: np.ndarray) -> list[RawFace]:
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


class SFaceRecognizer(RecognizerModel):
    """OpenCV Zoo's SFace: 112x112 RGB input, 128-d embedding, cosine similarity."""

    dim = 128

    def _load(self, path: Path) -> None:
        self.session = onnx_session(path, self.threads)
        self.input_name = self.session.get_inputs()[0].name

    def _predict(self, aligned: np.ndarray) -> np.ndarray:
        blob = aligned[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32)
        vector = np.asarray(self.session.run(None, {self.input_name: blob})[0][0], np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-12)


class ScrfdDetector(DetectorModel):
    """insightface's SCRFD (e.g. buffalo_l ``det_10g.onnx``) through insightface's wrapper."""

    def _load(self, path: Path) -> None:
        from insightface.model_zoo.scrfd import SCRFD

        self.model: Any = SCRFD(model_file=str(path), session=onnx_session(path, self.threads))
        self.model.prepare(-1, det_thresh=self.score_threshold, input_size=(640, 640))

    def _predict(self, bgr: np.ndarray) -> list[RawFace]:
        boxes, points = self.model.detect(bgr, input_size=(640, 640))
        faces = []
        for box, kps in zip(boxes, points, strict=True):
            x1, y1, x2, y2, score = (float(v) for v in box)
            faces.append(RawFace((x1, y1, x2 - x1, y2 - y1), score, kps.astype(np.float32)))
        return faces


class ArcFaceRecognizer(RecognizerModel):
    """insightface's ArcFace ONNX (e.g. buffalo_l ``w600k_r50.onnx``)."""

    dim = 512

    def _load(self, path: Path) -> None:
        from insightface.model_zoo.arcface_onnx import ArcFaceONNX

        self.model: Any = ArcFaceONNX(
            model_file=str(path), session=onnx_session(path, self.threads)
        )

    def _predict(self, aligned: np.ndarray) -> np.ndarray:
        vector = np.asarray(self.model.get_feat(aligned)[0], np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-12)


_DETECTORS: dict[str, type[DetectorModel]] = {"yunet": YuNetDetector, "scrfd": ScrfdDetector}
_RECOGNIZERS: dict[str, type[RecognizerModel]] = {
    "sface": SFaceRecognizer,
    "arcface": ArcFaceRecognizer,
}


def load_face_models(
    models_dir: Path, pack_name: str, *, threads: int = 1, score_threshold: float = 0.6
) -> FaceModels:
    """This process's detector and recogniser of a pack, verified and loaded (ModelError names
    a missing or corrupt file and ``make install``)."""
    pack: FacePack = get_pack(pack_name)
    detector = shared_model(
        _DETECTORS[pack.detector_kind],
        pack.detector,
        models_dir,
        threads=threads,
        score_threshold=score_threshold,
    )
    recognizer = shared_model(
        _RECOGNIZERS[pack.recognizer_kind], pack.recognizer, models_dir, threads=threads
    )
    detector.load()
    recognizer.load()
    return FaceModels(pack=pack.name, detector=detector, recognizer=recognizer)
