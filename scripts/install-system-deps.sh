#!/bin/sh
# Install the Debian tools the attachments room uses (idempotent, quiet, one apt-get update):
#   antiword (DOC), poppler-utils (pdftotext fallback), tesseract-ocr + tesseract-ocr-vie (OCR).
# With --test, also libreoffice-writer-nogui and libreoffice-calc-nogui (the tests make a .doc and
# an .xls with them).
# Exits 0 when everything asked for is installed; non-zero (with a message) when it cannot be.
set -eu
PACKAGES="antiword poppler-utils tesseract-ocr tesseract-ocr-vie"
for arg in "$@"; do
    case "$arg" in
        --test) PACKAGES="$PACKAGES libreoffice-writer-nogui libreoffice-calc-nogui" ;;
        *) echo "usage: $0 [--test]" >&2; exit 2 ;;
    esac
done
missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install-system-deps: need root to install:$missing" >&2
        exit 1
    fi
else
    SUDO=""
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
