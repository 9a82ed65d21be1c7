"""Start an image backfill the way `reformnews images` does: `scrapy crawl images` in a child process.

Like a crawl it holds the archive's crawl lock, is recorded as a run (spider "images"; its WARC
files are named after the run), logs to the rotating crawl log and shows a progress line on a
terminal. What it did is read back from the archive afterwards: per image position of the articles
it was given, a copy kept now, one the archive already held, or a refusal with its reason.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from archive.images import ImageStore, images_recorded_since
from archive.store import Archive
from scrapers.registry import load_registry
from spiders.progress import Progress, rotating_logger
from spiders.run import EXIT_FAILED, CrawlLock, CrawlRefused, default_log_file, run_scrapy


@dataclass
class BackfillSummary:
    """What an image backfill did: articles given, and per image kept / already kept / refused."""

    run_id: int
    exit_code: int
    status: str
    articles: int = 0
    kept: int = 0  # a copy kept by this run
    files: int = 0  # files this run added to the archive (a file shared by several images counts once)
    already_kept: int = 0  # linked to a copy the archive held before (same URL or same bytes)
    refused: int = 0  # nothing kept: HTTP error, not an image, broken, too large, not fetched
    reasons: Counter[str] = field(default_factory=Counter)  # refusals by status
    requests: int = 0
    log_file: str = ""

    @property
    def ok(self) -> bool:
        """True when the backfill process ended cleanly."""
        return self.exit_code == 0 and self.status == "ok"

    def one_line(self) -> str:
        """The backfill in one line."""
        text = (f"images run {self.run_id}: {self.status}, {self.articles} articles, {self.kept} kept ({self.files} new files), "
                f"{self.refused} refused, {self.already_kept} already kept, {self.requests} requests")
        if self.reasons:
            text += " (refused: " + ", ".join(f"{n} {k}" for k, n in self.reasons.most_common()) + ")"
        return text + (f" (log: {self.log_file})" if self.log_file else "")


class BackfillProgress(Progress):
    """"images run N: X of about Y images done, K kept, Zs" on stderr, redrawn every second."""

    def __init__(self, db_path: Path, run_id: int, started_at: str, total: int) -> None:
        super().__init__(db_path, run_id, started_at)
        self.total = total

    def line(self) -> str:
        """The current progress line (empty while the archive cannot be read)."""
        counts = images_recorded_since(self.db_path, self.started_at)
        if counts is None:
            return ""
        elapsed = int(time.monotonic() - self.began)
        return (f"images run {self.run_id}: {counts['recorded']} of about {self.total} images done, "
                f"{counts['kept']} kept, {elapsed}s")


def run_image_backfill(
    db_path: Path | str,
    *,
    sites: list[str] | None = None,
    limit: int | None = None,
    retry_failed: bool = False,
    snapshot_dir: Path | str | None = None,
    registry_path: Path | str | None = None,
    settings: dict[str, str] | None = None,
    log_file: Path | str | None = None,
    progress: bool | None = None,
) -> BackfillSummary:
    """Fetch the images of archived articles in ``db_path`` that have none recorded (at most ``limit``
    articles, of ``sites`` when given), or with ``retry_failed`` those whose earlier attempt failed.

    Raises FileNotFoundError when there is no archive, :class:`CrawlRefused` for an unknown site and
    :class:`CrawlLocked` while a crawl of the archive runs. With ``snapshot_dir`` the images are
    answered from the offline snapshot.
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no archive at {db_path} (run `reformnews crawl` or `reformnews demo` first)")
    registry = load_registry(registry_path)
    unknown = [s for s in sites or [] if s not in registry]
    if unknown:
        raise CrawlRefused(f"unknown site(s): {', '.join(unknown)} (known: {', '.join(registry)})")
    if limit is not None and limit < 1:
        raise CrawlRefused("--limit must be at least 1")
    lock = CrawlLock(db_path).acquire()
    try:
        with Archive(db_path) as archive:
            archive.interrupt_stale_runs()  # we hold the lock: a "running" run is a dead one
            run_id = archive.start_run("images", sites or [])
            started_at = archive.run_summary(run_id)["started_at"]
        with ImageStore(db_path) as store:
            todo = store.backfill_articles(sites=sites, limit=limit, retry_failed=retry_failed)
            ids = [row["id"] for row in todo]
            before = store.recorded_for(ids)
            newest = store.newest_image_rowid()
        total = sum(len(row["images"]) for row in todo) - sum(1 for r in before.values() if r["sha256"])
        options = {"ARCHIVE_DB": str(db_path), "ARCHIVE_RUN_ID": str(run_id), **(settings or {})}
        if registry_path:
            options["SITE_REGISTRY"] = str(registry_path)
        command = [sys.executable, "-m", "scrapy", "crawl", "images"]
        for name, value in (("site", ",".join(sites or [])), ("limit", limit), ("retry_failed", 1 if retry_failed else None)):
            if value not in (None, ""):
                command += ["-a", f"{name}={value}"]
        log = Path(log_file) if log_file else default_log_file(db_path)
        show = sys.stderr.isatty() if progress is None else progress
        exit_code = run_scrapy(command, options, snapshot_dir=snapshot_dir, lock=lock, logger=rotating_logger(log),
                               label=f"images run {run_id}",
                               display=BackfillProgress(db_path, run_id, started_at, total) if show else None)
        return _summarise(db_path, run_id, exit_code, ids, before, newest, str(log))
    finally:
        lock.release()


def _summarise(db_path: Path, run_id: int, exit_code: int, ids: list[str], before: dict, newest: int,
               log_file: str) -> BackfillSummary:
    """Close the run and count what changed for the given articles' image positions."""
    with Archive(db_path) as archive:
        if exit_code != 0:
            archive.fail_run(run_id, f"images process exited with status {exit_code}; see {log_file}")
        elif archive.run_summary(run_id)["status"] == "running":  # the spider did not close its run
            archive.fail_run(run_id, f"the images spider did not finish its run; see {log_file}")
        archive.set_run_exit(run_id, exit_code)
        run = archive.run_summary(run_id)
    summary = BackfillSummary(run_id=run_id, exit_code=exit_code, status=run["status"],
                              articles=len(ids), requests=int(run["counts"].get("requests", 0)), log_file=log_file)
    with ImageStore(db_path) as store:
        after = store.recorded_for(ids)
        fresh = store.files_kept_after(newest)
    summary.files = len(fresh)
    for key, row in after.items():
        earlier = before.get(key)
        if earlier is not None and earlier["sha256"]:
            continue  # kept before this run: not asked again
        if row["sha256"]:
            if row["sha256"] in fresh:
                summary.kept += 1
            else:
                summary.already_kept += 1
        else:
            summary.refused += 1
            summary.reasons[row["status"]] += 1
    return summary


__all__ = ["EXIT_FAILED", "BackfillSummary", "run_image_backfill"]
