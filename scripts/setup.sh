#!/usr/bin/env bash
# Idempotent set-up: system packages (ffmpeg) when missing and permitted, the venv, Python deps.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need_apt+=(ffmpeg)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null; then
    echo "setup: ffmpeg is missing and cannot be installed here; install ffmpeg (5.1+) and re-run" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]} with apt-get"
  $SUDO apt-get install -y -q --no-install-recommends ffmpeg >/dev/null 2>&1 || {
    $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends ffmpeg >/dev/null
  }
fi

command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "setup: Python 3.11 is required (found $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  # insightface pins opencv-python, which would overwrite opencv-contrib's cv2: no deps
  "$VENV/bin/python" -m pip install -q --no-deps insightface==2.1
  touch "$stamp"
fi
"$VENV/bin/python" scripts/fetch_models.py
echo "setup: ready ($("$VENV/bin/python" --version), $(ffmpeg -version | head -1 | cut -d' ' -f1-3))"
