"""A full disk or a read-only archive: a clear one-line error, a non-zero exit, nothing half-written.

The disk is a tiny tmpfs (root and `mount` needed; skipped otherwise), filled up or remounted read-only.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from archive.safety import storage_problem
from tests.faultweb import FaultWeb

ROOT = Path(__file__).resolve().parents[1]
CLI = str(ROOT / ".venv" / "bin" / "reformnews")


@pytest.fixture
def tiny_disk(tmp_path):
    """An 8 MB tmpfs at tmp_path/disk, unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if shutil.which("mount") is None or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
                                                       capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def fill(disk: Path, leave: int = 0) -> None:
    """Fill ``disk`` up, leaving about ``leave`` bytes."""
    free = shutil.disk_usage(disk).free - leave
    with (disk / "filler").open("wb") as handle:
        while free > 0:
            chunk = min(free, 1 << 20)
            try:
                handle.write(b"\0" * chunk)
                handle.flush()
            except OSError:
                break
            free -= chunk


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`reformnews ...` with the WARC files kept off the tiny disk (only the database lives there)."""
    import os

    env = {**os.environ, "REFORMNEWS_WARC_DIR": str(cwd / "warc")}
    return subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=120, env=env)


def sound(db: Path) -> None:
    """Integrity ok and no partial article rows."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert conn.execute("select count(*) from articles where coalesce(title,'')='' or coalesce(body,'')=''").fetchone()[0] == 0
    assert conn.execute("select count(*) from articles").fetchone()[0] == conn.execute(
        "select count(*) from articles_fts").fetchone()[0]
    conn.close()


def one_clean_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_crawl_onto_a_full_disk_fails_cleanly_and_leaves_a_sound_archive(tiny_disk, tmp_path):
    db = tiny_disk / "archive.db"
    with FaultWeb() as web:
        from spiders.run import run_crawl
        from tests.faultweb import crawl_settings

        first = run_crawl(db, url=web.url + "sach/", allow_private=True, progress=False,
                          log_file=tmp_path / "crawl.log", settings=crawl_settings(WARC_DIR=str(tmp_path / "warc")))
        assert first.ok
        conn = sqlite3.connect(db)
        conn.execute("delete from articles where rowid in (select rowid from articles limit 3)")  # new work to do
        conn.commit()
        before = conn.execute("select count(*) from articles").fetchone()[0]
        conn.execute("pragma wal_checkpoint(truncate)")
        conn.close()
        fill(tiny_disk)
        result = cli("crawl", "--url", web.url + "sach/", "--allow-private", "--db", str(db), "--log-file",
                     str(tmp_path / "crawl.log"), cwd=tmp_path)
    line = one_clean_line(result)
    assert "full" in line or "disk I/O" in line, line
    (tiny_disk / "filler").unlink()
    sound(db)
    assert sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0] >= before


def test_export_onto_a_full_disk_leaves_no_file(tiny_disk, tmp_path):
    from archive.store import Archive
    from scrapers.items import Article

    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.ensure_site("thu", "https://thu.example.gov.vn/")
        for n in range(400):
            archive.upsert_article(Article(url=f"https://thu.example.gov.vn/bai-{n}.html", title=f"Bài {n}",
                                           body=f"Nội dung cải cách hành chính số {n}. " * 60, site="thu"))
    fill(tiny_disk, leave=200_000)
    result = cli("export", "--db", str(db), "-o", str(tiny_disk / "out.jsonl"), cwd=tmp_path)
    line = one_clean_line(result)
    assert "space" in line.lower() or "full" in line.lower(), line
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]  # no half-written export, no .part file


def test_a_read_only_archive_is_refused_in_one_line(tiny_disk, tmp_path):
    from archive.store import Archive

    db = tiny_disk / "archive.db"
    Archive(db).close()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    with FaultWeb() as web:
        result = cli("crawl", "--url", web.url + "sach/", "--allow-private", "--db", str(db), "--log-file",
                     str(tmp_path / "crawl.log"), cwd=tmp_path)
    line = one_clean_line(result)
    assert "read-only" in line.lower() or "readonly" in line.lower(), line
    export = cli("export", "--db", str(db), "-o", str(tiny_disk / "x.jsonl"), cwd=tmp_path)
    assert "read-only" in one_clean_line(export).lower()


def test_storage_problems_are_told_in_plain_words():
    assert "full" in storage_problem(sqlite3.OperationalError("database or disk is full"), "a.db")
    assert "read-only" in storage_problem(sqlite3.OperationalError("attempt to write a readonly database"))
    assert "full" in storage_problem(OSError(28, "No space left on device"))
    assert storage_problem(ValueError("something else")) is None
