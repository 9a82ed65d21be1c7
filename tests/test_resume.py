"""Safe under cron: one crawl per archive at a time, and a crawl killed with SIGKILL resumes losslessly."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from spiders.lock import EXIT_LOCKED, CrawlLock, CrawlLocked
from spiders.run import run_crawl
from tests.faultweb import wait_lock_free

SITES = ["binhdinh_skhcn", "quangtri_sokhcn"]
ROOT = Path(__file__).resolve().parents[1]


def slow_crawl(db: Path, snapshot_dir: Path) -> subprocess.Popen:
    """`run_crawl` in its own process group, slowed down so it can be killed mid-run."""
    code = (
        "import sys; from spiders.run import run_crawl; "
        f"run_crawl({str(db)!r}, sites={SITES!r}, snapshot_dir={str(snapshot_dir)!r}, progress=False, "
        "settings={'DOWNLOAD_DELAY': '0.08', 'CONCURRENT_REQUESTS_PER_DOMAIN': '1'})"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, start_new_session=True)


def count(db: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def wait_for(predicate, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_second_run_is_refused_while_one_holds_the_archive(tmp_path, snapshot_dir):
    db = tmp_path / "archive.db"
    with CrawlLock(db):
        with pytest.raises(CrawlLocked, match="another crawl of this archive is running"):
            run_crawl(db, sites=SITES, snapshot_dir=snapshot_dir, progress=False)
        from archive.cli import main

        result = CliRunner().invoke(main, ["crawl", "--site", SITES[0], "--db", str(db)])
        assert result.exit_code == EXIT_LOCKED == 75
        assert "another crawl of this archive is running" in result.output
    assert not db.exists() or count(db, "select count(*) from crawl_runs") == 0  # nothing was started


def test_a_crawl_killed_with_sigkill_resumes_without_loss_or_duplicates(tmp_path, snapshot_dir, manifest):
    db = tmp_path / "archive.db"
    child = slow_crawl(db, snapshot_dir)
    try:
        wait_for(lambda: count(db, "select count(*) from articles") >= 8
                 and count(db, "select count(*) from frontier") > 0)
        with pytest.raises(CrawlLocked):  # the running crawl holds the lock
            run_crawl(db, sites=SITES, snapshot_dir=snapshot_dir, progress=False)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    wait_lock_free(db, timeout=10)  # the crawl's scrapy child exits just after its parent
    killed_with = count(db, "select count(*) from articles")
    waiting = count(db, "select count(*) from frontier")
    truth = {a["url"] for s in SITES for a in manifest["sites"][s]["articles"]}
    assert 0 < killed_with < len(truth) and waiting > 0

    summary = run_crawl(db, sites=SITES, snapshot_dir=snapshot_dir, progress=False)
    assert summary.ok, summary
    rows = sqlite_utils.Database(db)
    urls = Counter(r["url"] for r in rows.query("select url from articles"))
    assert sorted(truth - set(urls)) == []  # nothing lost
    assert [u for u, n in urls.items() if n > 1] == [] and set(urls) <= truth  # nothing twice
    assert rows["frontier"].count == 0
    statuses = [r["status"] for r in rows.query("select status from crawl_runs order by id")]
    assert statuses == ["interrupted", "ok"]
