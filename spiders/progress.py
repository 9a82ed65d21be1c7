"""The crawl child's output goes to a rotating log file; on a terminal a one-line progress display."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import time
from pathlib import Path
from typing import IO

from archive.crawlstate import run_progress

LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5


def rotating_logger(path: Path) -> logging.Logger:
    """A logger writing raw lines to ``path``, rotated at LOG_MAX_BYTES with LOG_BACKUPS old files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"reformnews.crawl.{path}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                                       encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    return logger


def pump(stream: IO[bytes], logger: logging.Logger) -> threading.Thread:
    """Copy the child's output into the log, line by line, in a background thread."""

    def run() -> None:
        for raw in iter(stream.readline, b""):
            logger.info(raw.decode("utf-8", errors="replace").rstrip("\n"))
        stream.close()

    thread = threading.Thread(target=run, name="crawl-log", daemon=True)
    thread.start()
    return thread


class Progress:
    """Redraw "run N: X new articles, Y waiting, Zs" on stderr every second from the archive."""

    def __init__(self, db_path: Path, run_id: int, started_at: str, out: IO[str] | None = None) -> None:
        self.db_path = db_path
        self.run_id = run_id
        self.started_at = started_at
        self.out = out or sys.stderr
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="crawl-progress", daemon=True)
        self.began = time.monotonic()

    def line(self) -> str:
        """The current progress line (empty while the archive cannot be read)."""
        counts = run_progress(self.db_path, self.run_id, self.started_at)
        if counts is None:
            return ""
        elapsed = int(time.monotonic() - self.began)
        return (f"run {self.run_id}: {counts['new']} new articles, {counts['queued']} queued, "
                f"{counts['errors']} errors, {elapsed}s")

    def run(self) -> None:
        """Redraw until stopped."""
        while not self.stop.wait(1.0):
            text = self.line()
            if text:
                self.out.write("\r\033[K" + text)
                self.out.flush()

    def __enter__(self) -> "Progress":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.out.write("\r\033[K")
        self.out.flush()
