"""Start a crawl the way `reformnews crawl` and `reformnews demo` do: `scrapy crawl` in a child process.

A child process per crawl gives every run a fresh Twisted reactor (it cannot be restarted in one
process), keeps a crash of the crawl from taking the caller down, and is exactly what a user
running `scrapy crawl site` gets.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from archive.store import Archive
from scrapers.registry import RegistryError, load_registry
from spiders.lock import EXIT_LOCKED, CrawlLock, CrawlLocked
from spiders.progress import Progress, pump, rotating_logger
from spiders.site import snapshot_sites

EXIT_OK = 0
EXIT_FAILED = 1  # the crawl process failed, crashed or was killed
EXIT_SITES_FAILED = 3  # the crawl ran to its end but at least one site could not be fetched at all


class CrawlRefused(ValueError):
    """The crawl was not started; the message says why."""


@dataclass
class CrawlSummary:
    """What a crawl did, read back from the archive after it ended."""

    run_id: int
    exit_code: int
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    per_site: dict[str, dict[str, int]] = field(default_factory=dict)
    failed_sites: list[str] = field(default_factory=list)
    log_file: str = ""

    @property
    def ok(self) -> bool:
        """True when the crawl process ended cleanly."""
        return self.exit_code == 0 and self.status == "ok"

    @property
    def cli_exit_code(self) -> int:
        """0 ok, 1 the crawl failed, 3 it finished but some sites could not be fetched at all."""
        if not self.ok:
            return EXIT_FAILED
        return EXIT_SITES_FAILED if self.failed_sites else EXIT_OK

    def one_line(self) -> str:
        """The run in one line (what cron mails)."""
        c = self.counts
        text = (f"reformnews crawl run {self.run_id}: {self.status}, {len(self.per_site)} sites, "
                f"{c.get('new', 0)} new, {c.get('updated', 0)} updated, {c.get('unchanged', 0)} unchanged, "
                f"{c.get('duplicates', 0)} duplicates, {c.get('errors', 0)} errors, {c.get('requests', 0)} requests, "
                f"{c.get('bytes', 0) / 1e6:.1f} MB")
        if self.failed_sites:
            text += f"; failed sites: {', '.join(self.failed_sites)}"
        return text + (f" (log: {self.log_file})" if self.log_file else "")


def is_private_host(host: str) -> bool:
    """True when ``host`` is, or resolves to, a loopback, private or link-local address."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False  # unresolvable: the crawl records the DNS failure itself
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified or ip.is_reserved:
            return True
    return False


def crawl_command(*, sites: list[str] | None, url: str | None) -> list[str]:
    """The `scrapy crawl` argument list for a registry crawl or a crawl of one URL."""
    base = [sys.executable, "-m", "scrapy", "crawl"]
    if url:
        return [*base, "generic", "-a", f"url={url}"]
    command = [*base, "site"]
    if sites:
        command += ["-a", "site=" + ",".join(sites)]
    return command


def default_log_file(db_path: Path) -> Path:
    """REFORMNEWS_LOG_FILE, else ``logs/crawl.log`` beside the archive."""
    configured = os.environ.get("REFORMNEWS_LOG_FILE")
    return Path(configured) if configured else db_path.resolve().parent / "logs" / "crawl.log"


def run_scrapy(command: list[str], options: dict[str, str], *, snapshot_dir: Path | str | None, lock: CrawlLock,
               logger: logging.Logger, label: str, display: Progress | None = None) -> int:
    """Run a `scrapy crawl` ``command`` with ``options`` (``-s NAME=VALUE``) in a child process that
    inherits the crawl lock; its output goes to ``logger`` and ``display`` (a progress line) runs
    meanwhile. The offline settings and the snapshot apply with ``snapshot_dir``. Returns the exit status
    (130 after Ctrl-C)."""
    env = dict(os.environ)
    env["SCRAPY_SETTINGS_MODULE"] = env.get(
        "REFORMNEWS_SETTINGS", "scrapers.settings.offline" if snapshot_dir else "scrapers.settings.base"
    )
    env["PYTHONUNBUFFERED"] = "1"
    options = dict(options)
    if snapshot_dir:
        options["SNAPSHOT_DIR"] = str(snapshot_dir)
        options["ALLOW_PRIVATE_ADDRESSES"] = "True"
    command = list(command)
    for name, value in options.items():
        command += ["-s", f"{name}={value}"]
    logger.info("=== %s: %s", label, " ".join(command))
    exit_code = EXIT_FAILED
    child: subprocess.Popen[bytes] | None = None
    try:
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, pass_fds=(lock.fd,) if lock.fd is not None else ())
        assert child.stdout is not None
        reader = pump(child.stdout, logger)
        if display is not None:
            with display:
                exit_code = child.wait()
        else:
            exit_code = child.wait()
        reader.join(timeout=10)
    except KeyboardInterrupt:
        if child is not None:
            child.terminate()
            child.wait()
        exit_code = 130
    return exit_code


def run_crawl(
    db_path: Path | str,
    *,
    sites: list[str] | None = None,
    url: str | None = None,
    snapshot_dir: Path | str | None = None,
    allow_private: bool = False,
    registry_path: Path | str | None = None,
    settings: dict[str, str] | None = None,
    log_file: Path | str | None = None,
    progress: bool | None = None,
) -> CrawlSummary:
    """Crawl registry ``sites`` (all active ones when None) or the site at ``url`` into ``db_path``.

    With ``snapshot_dir`` the requests are answered from the offline snapshot instead of the
    network, and ``sites=None`` means the registry sites the snapshot holds. Raises
    :class:`CrawlRefused` for an unknown site or a private address and :class:`CrawlLocked` when
    another crawl of the same archive runs. The crawl's log goes to ``log_file`` (rotated);
    ``progress`` (default: stderr is a terminal) shows a progress line meanwhile.
    """
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CrawlRefused(f"not an http(s) URL: {url}")
        if not allow_private and not snapshot_dir and is_private_host(parts.hostname):
            raise CrawlRefused(f"{parts.hostname} is a loopback or private address; pass --allow-private to crawl it")
    registry = load_registry(registry_path)
    unknown = [s for s in sites or [] if s not in registry]
    if unknown:
        known = ", ".join(registry)
        raise CrawlRefused(f"unknown site(s): {', '.join(unknown)} (known: {known})")
    if sites is None and not url and snapshot_dir:
        offline = snapshot_sites(snapshot_dir)
        sites = [s for s in offline if s in registry] if offline is not None else None

    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = CrawlLock(db_path).acquire()
    try:
        return _crawl_locked(db_path, lock, registry=registry, sites=sites, url=url, snapshot_dir=snapshot_dir,
                             allow_private=allow_private, registry_path=registry_path, settings=settings,
                             log_file=Path(log_file) if log_file else default_log_file(db_path),
                             progress=sys.stderr.isatty() if progress is None else progress)
    finally:
        lock.release()


def _crawl_locked(db_path: Path, lock: CrawlLock, *, registry: dict, sites: list[str] | None, url: str | None,
                  snapshot_dir: Path | str | None, allow_private: bool, registry_path: Path | str | None,
                  settings: dict[str, str] | None, log_file: Path, progress: bool) -> CrawlSummary:
    archive = Archive(db_path)
    archive.interrupt_stale_runs()  # we hold the lock: a "running" run is a dead one
    archive.sync_sites(registry.values())
    spider = "generic" if url else "site"
    run_id = archive.start_run(spider, sites or ([] if url else [s for s, v in registry.items() if v.active]))
    started_at = archive.run_summary(run_id)["started_at"]
    archive.close()

    options = {"ARCHIVE_DB": str(db_path), "ARCHIVE_RUN_ID": str(run_id), **(settings or {})}
    if registry_path:
        options["SITE_REGISTRY"] = str(registry_path)
    if allow_private:
        options["ALLOW_PRIVATE_ADDRESSES"] = "True"
    logger = rotating_logger(log_file)
    display = Progress(db_path, run_id, started_at) if progress else None
    exit_code = run_scrapy(crawl_command(sites=sites, url=url), options, snapshot_dir=snapshot_dir, lock=lock,
                           logger=logger, label=f"run {run_id}", display=display)
    logger.info("=== run %s: crawl process exited with status %s", run_id, exit_code)
    archive = Archive(db_path)
    if exit_code != 0:
        archive.fail_run(run_id, f"crawl process exited with status {exit_code}; see {log_file}")
    archive.set_run_exit(run_id, exit_code)
    run = archive.run_summary(run_id)
    failed = archive.failed_sites(run_id)
    archive.close()
    return CrawlSummary(run_id=run_id, exit_code=exit_code, status=run["status"], counts=run["counts"],
                        per_site=run["per_site"], failed_sites=failed, log_file=str(log_file))


__all__ = ["EXIT_FAILED", "EXIT_LOCKED", "EXIT_OK", "EXIT_SITES_FAILED", "CrawlLocked", "CrawlRefused",
           "CrawlSummary", "RegistryError", "crawl_command", "is_private_host", "run_crawl", "run_scrapy"]
