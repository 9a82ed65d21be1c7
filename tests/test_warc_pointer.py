"""A crawl killed right after storing an article: the article already points to its WARC record.

The pointer is written in the same transaction as the article row (``Archive.upsert_article``),
so there is no moment between the two for a kill to fall into; `reextract` rebuilds the article
from the record, and gives back a pointer that was emptied by an older version.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.reextract import reextract
from scrapers.middlewares.warc import warc_dir_for
from tests.faultweb import FaultWeb, clean_paths, crawl_in_child, crawl_settings

KILLER = "tests.faultweb.KillAfterFirstArticle"


def articles(db: Path) -> dict[str, dict]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {r["url"]: dict(r) for r in conn.execute(
            "select url, title, body, published_at, warc_file, warc_offset, warc_length from articles")}
    finally:
        conn.close()


def record_url(directory: Path, name: str, offset: int) -> str | None:
    """The target URL of the response record at ``offset`` of a WARC file."""
    with (directory / name).open("rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)), None)
        return record.rec_headers.get_header("WARC-Target-URI") if record is not None else None


def test_a_kill_right_after_storing_leaves_the_article_its_pointer(tmp_path):
    db = tmp_path / "archive.db"
    settings = crawl_settings(LOG_LEVEL="WARNING")
    extensions = {**json.loads(settings["EXTENSIONS"]), KILLER: 400}  # before the crawl state's handler (500)
    with FaultWeb() as web:
        killed = crawl_in_child(str(db), web.url + "sach/", str(tmp_path / "crawl.log"),
                                {**settings, "EXTENSIONS": json.dumps(extensions)})
        assert killed["exit_code"] != 0  # SIGKILLed in the window
        stored = articles(db)
        assert len(stored) >= 1
        directory = warc_dir_for(db)
        for url, row in stored.items():
            assert row["warc_file"] and row["warc_offset"] is not None and row["warc_length"], row
            assert record_url(directory, row["warc_file"], row["warc_offset"]) == url

        # reextract rebuilds the article from its record alone, with the same pointer
        fresh = tmp_path / "fresh.db"
        reextract(fresh, directory)
        rebuilt = articles(fresh)
        for url, row in stored.items():
            assert rebuilt[url] == row

        # a pointer emptied by an older version (pointer written after the row) comes back
        conn = sqlite3.connect(db)
        conn.execute("update articles set warc_file = null, warc_offset = null, warc_length = null")
        conn.commit()
        conn.close()
        reextract(db, directory)  # (it also adds the pages fetched but not yet stored when the kill came)
        healed = articles(db)
        assert {url: healed[url] for url in stored} == stored

        # the resumed crawl runs to the end: every article once, each with its own record
        final = crawl_in_child(str(db), web.url + "sach/", str(tmp_path / "crawl.log"), settings)
        assert final["exit_code"] == 0 and final["status"] == "ok"
        done = articles(db)
        assert sorted(done) == sorted(web.url.rstrip("/") + p for p in clean_paths())
        assert all(record_url(directory, r["warc_file"], r["warc_offset"]) == u for u, r in done.items())


def test_a_duplicate_page_leaves_the_original_its_own_pointer(tmp_path):
    from archive.store import Archive
    from scrapers.items import Article

    body = "Sở Khoa học và Công nghệ tổ chức hội nghị cải cách hành chính năm 2024.\nHội nghị đánh giá kết quả."
    with Archive(tmp_path / "a.db") as store:
        for url, warc in (("https://skhcn.binhdinh.gov.vn/tin/1", {"file": "f1.warc.gz", "offset": 10, "length": 5}),
                          ("https://skhcn.binhdinh.gov.vn/tin/1-ban-in", {"file": "f2.warc.gz", "offset": 999, "length": 5})):
            store.upsert_article(Article(url=url, site="binhdinh_skhcn", title="Hội nghị CCHC", body=body,
                                         published_at="2024-03-01T08:00:00+07:00", warc=warc))
        rows = list(store.db.query("select url, warc_file, warc_offset from articles"))
    assert rows == [{"url": "https://skhcn.binhdinh.gov.vn/tin/1", "warc_file": "f1.warc.gz", "warc_offset": 10}]
