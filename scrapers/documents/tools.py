"""Debian command-line tools the room can use (pdftotext, pdftoppm, antiword, tesseract)."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

TIMEOUT = 120


@lru_cache(maxsize=None)
def have(tool: str) -> bool:
    """Whether ``tool`` is on PATH (scripts/install-system-deps.sh installs them)."""
    return shutil.which(tool) is not None


def run(args: list[str], *, timeout: float = TIMEOUT, data: bytes | None = None) -> tuple[int, bytes, str]:
    """(exit code, stdout, stderr text) of a tool; code -1 when it is missing or timed out."""
    if not have(args[0]):
        return -1, b"", f"{args[0]} is not installed (scripts/install-system-deps.sh)"
    try:
        done = subprocess.run(args, input=data, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return -1, b"", f"{args[0]} took longer than {timeout:.0f}s"
    except OSError as exc:
        return -1, b"", f"{args[0]} could not run: {exc}"
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace").strip()


@lru_cache(maxsize=None)
def tesseract_languages() -> frozenset[str]:
    """The languages tesseract has data for (empty when tesseract is missing)."""
    code, out, err = run(["tesseract", "--list-langs"], timeout=30)
    text = out.decode("utf-8", "replace") + "\n" + err
    return frozenset(line.strip() for line in text.splitlines()[1:] if line.strip()) if code == 0 else frozenset()
