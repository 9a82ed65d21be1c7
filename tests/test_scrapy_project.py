"""Scrapy users' entry points work from the repository root: `scrapy list`, `scrapy crawl`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parents[1]


def scrapy(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_scrapy_list_names_the_spiders():
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) >= {"site", "generic"}


def test_scrapy_crawl_one_site_with_the_offline_alias(snapshot_dir, manifest, tmp_path):
    db_path = tmp_path / "one.db"
    result = scrapy("crawl", "site", "-a", "site=cantho_sokhcn", "-s", f"SNAPSHOT_DIR={snapshot_dir}",
                    "-s", f"ARCHIVE_DB={db_path}", env={"SCRAPY_PROJECT": "offline"})
    assert result.returncode == 0, result.stderr[-2000:]
    urls = {row["url"] for row in sqlite_utils.Database(db_path).query("select url from articles")}
    assert urls == {a["url"] for a in manifest["sites"]["cantho_sokhcn"]["articles"]}
