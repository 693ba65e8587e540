#!/usr/bin/env bash
# Idempotent set-up: system packages (ffmpeg; redis-server and postgresql for the
# production-shape tests) when missing and permitted, the venv, Python deps.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
for lang in eng jpn; do  # OCR languages: Debian ships each as its own package
    ls /usr/share/tesseract-ocr/*/tessdata/"$lang".traineddata >/dev/null 2>&1 || need_apt+=("tesseract-ocr-$lang")
done
# the production-shape tests (tests/production) run Debian's own servers, as compose does
server_apt=()
command -v redis-server >/dev/null 2>&1 || server_apt+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || server_apt+=(postgresql)
# the audio job tests (tests/analysis/audio_jobs) speak their test material with espeak-ng
test_apt=()
command -v espeak-ng >/dev/null 2>&1 || test_apt+=(espeak-ng)
# the labelling page tests (tests/labelling/test_pages.py) drive a headless Chromium
command -v chromium >/dev/null 2>&1 || test_apt+=(chromium)
# OCR tests render Japanese text
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || test_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ] || [ ${#server_apt[@]} -gt 0 ] || [ ${#test_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null; then
    if [ ${#need_apt[@]} -gt 0 ]; then
      echo "setup: ffmpeg is missing and cannot be installed here; install ffmpeg (5.1+) and re-run" >&2
      exit 1
    fi
    if [ ${#server_apt[@]} -gt 0 ]; then
      echo "setup: ${server_apt[*]} missing and cannot be installed here; tests/production needs them" >&2
    fi
    if [ ${#test_apt[@]} -gt 0 ]; then
      echo "setup: espeak-ng missing and cannot be installed here; the audio job tests need it" >&2
    fi
  else
    mapfile -t packages < <(printf '%s\n' "${need_apt[@]}" "${server_apt[@]}" "${test_apt[@]}" | sort -u)
    echo "setup: installing ${packages[*]} with apt-get"
    $SUDO apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null 2>&1 || {
      $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
    }
  fi
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
if [ "${WITH_NEO4J:-}" = 1 ]; then
  scripts/neo4j.sh fetch   # Neo4j's jars for `reelgraph up --graph neo4j` (make test fetches too)
fi
echo "setup: ready ($("$VENV/bin/python" --version), $(ffmpeg -version | head -1 | cut -d' ' -f1-3))"
