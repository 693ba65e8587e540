"""Gallery embeddings from reference photos: the largest face of each image."""

from __future__ import annotations

import cv2
import numpy as np

from analysis.errors import MediaError
from analysis.faces.models import align_face
from analysis.faces.pipeline import ModelSpec, face_models

MAX_SIDE_PX = 2000


def embed_reference_images(spec: ModelSpec, images: list[bytes]) -> list[np.ndarray]:
    """One embedding per image; MediaError naming the image (1-based) that has no face."""
    models = face_models(spec)
    vectors = []
    for number, data in enumerate(images, start=1):
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise MediaError(f"image {number} is not a readable image (JPEG, PNG, WebP, …)")
        scale = MAX_SIDE_PX / max(bgr.shape[:2])
        if scale < 1:
            bgr = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        faces = models.detector.detect(bgr)
        if not faces:
            raise MediaError(f"image {number} has no detectable face")
        largest = max(faces, key=lambda f: f.box[2] * f.box[3])
        vectors.append(models.recognizer.embed(align_face(bgr, largest.landmarks)))
    return vectors
