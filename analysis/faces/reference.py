"""Gallery embeddings from reference photos: the largest face of each image."""

from __future__ import annotations

import cv2
import numpy as np

from analysis.errors import MediaError
from analysis.faces.models import align_face
from analysis.faces.pipeline import ModelSpec, face_models

MAX_SIDE_PX = 2000


def embed_reference_image(spec: ModelSpec, bgr: np.ndarray, *, number: int = 1) -> np.ndarray:
    """The embedding of the photo's largest face; MediaError naming image ``number`` if none.

    ``bgr`` comes from ``analysis.media.image_input``, which bounds what is decoded.
    """
    models = face_models(spec)
    scale = MAX_SIDE_PX / max(bgr.shape[:2])
    if scale < 1:
        bgr = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    faces = models.detector.detect(bgr)
    if not faces:
        raise MediaError(f"image {number} has no detectable face")
    largest = max(faces, key=lambda f: f.box[2] * f.box[3])
    return models.recognizer.embed(align_face(bgr, largest.landmarks))
