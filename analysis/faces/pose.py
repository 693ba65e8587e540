"""Head pose and sharpness from what the detector already gives: 5 landmarks and the face crop.

Landmark order: eye on the image's left, eye on the image's right, nose tip, mouth corner on
the image's left, mouth corner on the image's right.

- ``roll``: angle of the eye line, degrees, positive when the image-right eye is lower.
- ``yaw``: the nose's horizontal offset from the eyes' midpoint, in eye distances, after
  removing roll; a head turned by θ moves the nose tip by about ½·eye-distance·sin θ, so
  ``yaw = asin(2·offset)``. Positive yaw: the face is turned towards the image's right.
- ``pitch``: the nose's vertical place between the eye line (0) and the mouth line (1); about
  0.56 on frontal faces (measured on the test portraits), positive pitch = looking up.
Rough (±10°), but monotonic, which is what mutual gaze needs.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

FRONTAL_NOSE_HEIGHT = 0.56


def head_pose(landmarks: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from 5 landmarks."""
    points = np.asarray(landmarks, np.float64).reshape(5, 2)
    eye_left, eye_right, nose, mouth_left, mouth_right = points
    dx, dy = eye_right - eye_left
    eye_distance = max(math.hypot(dx, dy), 1e-6)
    roll = math.degrees(math.atan2(dy, dx))
    cos_r, sin_r = dx / eye_distance, dy / eye_distance
    centre = (eye_left + eye_right) / 2

    def upright(p: np.ndarray) -> tuple[float, float]:
        vx, vy = p - centre
        return vx * cos_r + vy * sin_r, -vx * sin_r + vy * cos_r

    nose_x, nose_y = upright(nose)
    _, mouth_y = upright((mouth_left + mouth_right) / 2)
    offset = nose_x / eye_distance
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, 2 * offset))))
    height = nose_y / mouth_y if mouth_y > 1e-6 else FRONTAL_NOSE_HEIGHT
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, 2.5 * (FRONTAL_NOSE_HEIGHT - height)))))
    return yaw, pitch, roll


def blur_score(aligned: np.ndarray) -> float:
    """Blur of an aligned 112x112 face: 100 / (1 + √var(Laplacian)); lower = sharper.

    Plays the role of ffmpeg's ``blurdetect`` value in seed 004 (same direction, similar range:
    about 3-6 for sharp faces, above 15 for heavily blurred ones) without a second decode.
    """
    grey = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY) if aligned.ndim == 3 else aligned
    variance = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    return 100.0 / (1.0 + math.sqrt(max(variance, 0.0)))
