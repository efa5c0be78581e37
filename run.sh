#!/usr/bin/env bash
# The project's set-up and entry points. A fresh clone needs only Python ≥ 3.11 and pip:
#   bash run.sh main    set everything up, then run the main job on the embedded default (./data)
#   bash run.sh test    set everything up, then run the test suite (what CI runs)
#   bash run.sh setup   set-up only
# Set-up is idempotent and quick when nothing changed: a virtualenv in .venv with the pinned lock file, and
# the few Debian packages the project truly needs (installed with apt-get when run as root and missing).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv

# tesseract-ocr(-chi-sim): the second OCR engine; libgl1 and libglib2.0-0: what OpenCV's wheel links against.
apt_packages=(chromium poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui fonts-wqy-zenhei
  tesseract-ocr tesseract-ocr-chi-sim libgl1 libglib2.0-0)

setup_system() {
  local missing=()
  for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "run.sh: installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "run.sh: missing Debian packages (install them with apt-get): ${missing[*]}" >&2
  fi
}

setup_python() {
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local stamp="$VENV/.lock-installed" want
  want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.lock
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
    echo "$want" > "$stamp"
  fi
}

setup() { setup_system; setup_python; }

case "${1:-}" in
  setup) setup ;;
  main) setup; shift; exec "$VENV/bin/govreports" "$@" main ;;
  test) setup; shift; exec "$VENV/bin/python" -m pytest "$@" ;;
  *) echo "usage: bash run.sh main|test|setup" >&2; exit 2 ;;
esac
