"""One crawl per archive at a time: an exclusive `flock` on ``<db>.lock`` beside the database."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

EXIT_LOCKED = 75  # EX_TEMPFAIL (sysexits.h): another crawl holds the archive; try again later


class CrawlLocked(RuntimeError):
    """Another crawl of the same archive is running."""

    exit_code = EXIT_LOCKED


class CrawlLock:
    """Held while a crawl runs; the child `scrapy crawl` inherits the descriptor, so the lock lives
    as long as either process does and the kernel drops it when both are gone (even after kill -9)."""

    def __init__(self, db_path: Path | str) -> None:
        self.path = Path(db_path).with_name(Path(db_path).name + ".lock")
        self.fd: int | None = None

    def acquire(self) -> "CrawlLock":
        """Take the lock at once or raise :class:`CrawlLocked` naming the holder's pid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise CrawlLocked(
                f"another crawl of this archive is running (pid {holder}, lock {self.path}); exiting"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def release(self) -> None:
        """Drop the lock."""
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "CrawlLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
