"""Start a crawl the way `reformnews crawl` and `reformnews demo` do: `scrapy crawl` in a child process.

A child process per crawl gives every run a fresh Twisted reactor (it cannot be restarted in one
process), keeps a crash of the crawl from taking the caller down, and is exactly what a user
running `scrapy crawl site` gets.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from archive.store import Archive
from scrapers.registry import RegistryError, load_registry


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

    @property
    def ok(self) -> bool:
        """True when the crawl process ended cleanly."""
        return self.exit_code == 0 and self.status == "ok"


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
) -> CrawlSummary:
    """Crawl registry ``sites`` (all active ones when None) or the site at ``url`` into ``db_path``.

    With ``snapshot_dir`` the requests are answered from the offline snapshot instead of the
    network. Raises :class:`CrawlRefused` for an unknown site or a private address.
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

    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db_path)
    archive.sync_sites(registry.values())
    spider = "generic" if url else "site"
    run_id = archive.start_run(spider, sites or ([] if url else list(registry)))
    archive.close()

    env = dict(os.environ)
    env["SCRAPY_SETTINGS_MODULE"] = env.get(
        "REFORMNEWS_SETTINGS", "scrapers.settings.offline" if snapshot_dir else "scrapers.settings.base"
    )
    options = {"ARCHIVE_DB": str(db_path), "ARCHIVE_RUN_ID": str(run_id), **(settings or {})}
    if snapshot_dir:
        options["SNAPSHOT_DIR"] = str(snapshot_dir)
    if registry_path:
        options["SITE_REGISTRY"] = str(registry_path)
    if allow_private or snapshot_dir:
        options["ALLOW_PRIVATE_ADDRESSES"] = "True"
    if log_file:
        options["LOG_FILE"] = str(log_file)
    command = crawl_command(sites=sites, url=url)
    for name, value in options.items():
        command += ["-s", f"{name}={value}"]
    try:
        exit_code = subprocess.run(command, env=env, check=False).returncode
    except KeyboardInterrupt:
        exit_code = 130
    archive = Archive(db_path)
    if exit_code != 0:
        archive.fail_run(run_id, f"crawl process exited with status {exit_code}")
    run = archive.run_summary(run_id)
    archive.close()
    return CrawlSummary(run_id=run_id, exit_code=exit_code, status=run["status"],
                        counts=run["counts"], per_site=run["per_site"])


__all__ = ["CrawlRefused", "CrawlSummary", "RegistryError", "crawl_command", "is_private_host", "run_crawl"]
