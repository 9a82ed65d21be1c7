"""Storage failures (disk full, read-only archive) told in one line a person can act on."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

_FULL = ("database or disk is full", "no space left on device", "file too large")
_READ_ONLY = ("readonly database", "read-only file system", "read-only database", "unable to open database file",
              "permission denied")


def storage_problem(exc: BaseException, path: Path | str | None = None) -> str | None:
    """One line saying the archive's disk is full or read-only (with what to do), or None for other errors."""
    where = f" ({path})" if path else ""
    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or any(t in text for t in _FULL):
        return (f"the disk holding the archive{where} is full: nothing was half-written; "
                "free some space and run the command again")
    if "disk i/o error" in text and path and _nearly_full(path):
        return (f"the disk holding the archive{where} is full: nothing was half-written; "
                "free some space and run the command again")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or any(t in text for t in _READ_ONLY):
        return (f"the archive{where} is read-only (file permissions or a read-only disk): nothing was written; "
                "make it writable or choose another --db")
    if isinstance(exc, sqlite3.DatabaseError) and "malformed" in text:
        return f"the archive{where} is damaged (SQLite: {exc}); restore it from a backup"
    return None


def _nearly_full(path: Path | str) -> bool:
    """True when the file system holding ``path`` has less than 1 MB free."""
    import shutil

    try:
        return shutil.disk_usage(Path(path).resolve().parent).free < 1 << 20
    except OSError:
        return False


def is_storage_error(exc: BaseException) -> bool:
    """True when ``exc`` means the archive cannot be written at all (disk full, read-only)."""
    return storage_problem(exc) is not None and isinstance(exc, (OSError, sqlite3.Error))
