"""Crawls killed with SIGKILL at random moments, then resumed: every article once, a sound database, readable WARCs.

tests/test_resume.py (issue 5) kills one snapshot crawl once; this kills the fault web's clean site
crawl KILLS times at random points and checks the archive after every kill.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path


from tests.faultweb import CHILD, FaultWeb, clean_paths, crawl_settings, wait_lock_free

KILLS = 10
ROOT = Path(__file__).resolve().parents[1]


def start_crawl(db: Path, url: str) -> subprocess.Popen:
    """`run_crawl` of the clean site in its own process group (so a kill takes the scrapy child too)."""
    settings = crawl_settings(CONCURRENT_REQUESTS_PER_DOMAIN="2", DOWNLOAD_DELAY="0.05", LOG_LEVEL="WARNING")
    args = json.dumps({"db": str(db), "url": url, "log": str(db.parent / "crawl.log"), "settings": settings})
    return subprocess.Popen([sys.executable, "-c", CHILD, args], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def kill(child: subprocess.Popen, db: Path) -> None:
    """SIGKILL the whole process group and reap it; return once its crawl lock is released (the
    scrapy grandchild exits a moment after the signal, and the next crawl must not find it held)."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.communicate()
    wait_lock_free(db, timeout=10)


def warc_problems(db: Path) -> list[str]:
    """Every WARC file reads to its last complete record; every article has a WARC pointer leading to its page."""
    from warcio.archiveiterator import ArchiveIterator

    from scrapers.middlewares.warc import warc_dir_for

    problems: list[str] = []
    directory = warc_dir_for(db)
    for path in sorted(directory.glob("*.warc.gz")) if directory.is_dir() else []:
        with path.open("rb") as handle:
            try:
                for record in ArchiveIterator(handle):
                    record.content_stream().read()
            except Exception as exc:  # a truncated tail is allowed only after the last flushed record
                if handle.tell() < path.stat().st_size - 64 * 1024:
                    problems.append(f"{path.name}: unreadable before its tail ({exc})")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    unpointed = conn.execute("select count(*) from articles where warc_file is null").fetchone()[0]
    if unpointed:  # the pointer is written with the row: a kill never falls between them
        problems.append(f"{unpointed} articles without their WARC pointer")
    for url, name, offset in conn.execute("select url, warc_file, warc_offset from articles where warc_file is not null"):
        with (directory / name).open("rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)), None)
            if record is None or record.rec_headers.get_header("WARC-Target-URI") != url:
                problems.append(f"{url}: its WARC pointer leads elsewhere")
    conn.close()
    return problems


def archive_problems(db: Path) -> list[str]:
    """What a killed crawl must never leave behind: corruption, partial rows, an index out of step."""
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        problems = [f"integrity: {r[0]}" for r in conn.execute("pragma integrity_check") if r[0] != "ok"]
        partial = conn.execute("select count(*) from articles where coalesce(title, '') = '' or coalesce(body, '') = '' "
                               "or content_hash is null or site is null or first_seen is null").fetchone()[0]
        if partial:
            problems.append(f"{partial} partial article rows")
        indexed = conn.execute("select count(*) from articles_fts").fetchone()[0]
        stored = conn.execute("select count(*) from articles").fetchone()[0]
        if indexed != stored:
            problems.append(f"search index holds {indexed} rows for {stored} articles")
    finally:
        conn.close()
    return problems + warc_problems(db)


def article_count(db: Path) -> int:
    """Articles in the archive now (0 when it does not exist yet or is busy)."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("select count(*) from articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def kill_and_resume(db: Path, web: FaultWeb, kills: int, rng: random.Random) -> dict:
    """Kill ``kills`` crawls at random moments, checking the archive after each; then one crawl to the end."""
    counts, problems = [], []
    total = len(clean_paths())
    for _ in range(kills):
        have = article_count(db)
        target = have + rng.randint(0, max(1, (total - have) // 2))  # kill once the archive holds this many
        child = start_crawl(db, web.url + "sach/")
        began = time.monotonic()
        while article_count(db) < target and child.poll() is None and time.monotonic() - began < 20:
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.15))  # somewhere inside the next page's fetch, extraction or write
        kill(child, db)
        problems += archive_problems(db)
        counts.append(article_count(db))
    child = start_crawl(db, web.url + "sach/")
    out, _ = child.communicate(timeout=120)
    final = json.loads(out.decode().strip().splitlines()[-1])
    problems += archive_problems(db)
    conn = sqlite3.connect(db)
    urls = Counter(r[0] for r in conn.execute("select url from articles"))
    statuses = [r[0] for r in conn.execute("select status from crawl_runs order by id")]
    conn.close()
    return {"counts_after_kills": counts, "problems": problems, "final": final, "urls": urls, "statuses": statuses}


def test_random_sigkills_lose_nothing_and_duplicate_nothing(tmp_path):
    rng = random.Random(int(os.environ.get("REFORMNEWS_CRASH_SEED", "8")))
    with FaultWeb(delay=0.03) as web:
        outcome = kill_and_resume(tmp_path / "archive.db", web, KILLS, rng)
        truth = {web.url.rstrip("/") + p for p in clean_paths()}
    assert outcome["problems"] == []
    assert outcome["final"]["exit_code"] == 0 and outcome["final"]["status"] == "ok"
    urls = outcome["urls"]
    assert sorted(truth - set(urls)) == []
    assert [u for u, n in urls.items() if n > 1] == [] and set(urls) <= truth
    assert any(0 < n < len(truth) for n in outcome["counts_after_kills"]), outcome["counts_after_kills"]
    assert outcome["statuses"][-1] == "ok" and "running" not in outcome["statuses"]
