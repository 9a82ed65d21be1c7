"""Pipelines: normalise, validate, dedupe and store, with every failure ending in crawl_errors."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import unicodedata

import pytest
import sqlite_utils
from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from pipelines import ArchivePipeline, DedupePipeline, NormalizePipeline, ValidatePipeline
from scrapers.items import Article, CrawlError, Image

SITE = "binhdinh_skhcn"
BASE = "https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin="


def make_article(n: int = 1, **fields) -> Article:
    values = {"url": f"{BASE}{n}", "title": f"Cải cách hành chính số {n}",
              "body": f"Nội dung tin số {n}.\nĐoạn hai.", "site": SITE,
              "published_at": "2024-05-01T09:00:00+07:00"}
    values.update(fields)
    return Article(**values)


def run_items(tmp_path, items, **settings):
    """Push items through the four pipelines the way Scrapy's scraper does (drops → signal)."""
    crawler = get_crawler(settings_dict={"ARCHIVE_DB": str(tmp_path / "a.db"), **settings})
    chain = [NormalizePipeline(), ValidatePipeline(), DedupePipeline(), ArchivePipeline.from_crawler(crawler)]
    chain[-1].open_spider()
    passed = []
    for item in items:
        try:
            for pipeline in chain:
                item = pipeline.process_item(item)
            passed.append(item)
        except DropItem as exc:
            crawler.signals.send_catch_log(signals.item_dropped, item=item, response=None,
                                           spider=None, exception=exc)
        except Exception:
            from twisted.python.failure import Failure

            crawler.signals.send_catch_log(signals.item_error, item=item, response=None,
                                           spider=None, failure=Failure())
    chain[-1].close_spider()
    return sqlite_utils.Database(tmp_path / "a.db"), passed


def test_normalize_cleans_text_and_dates():
    decomposed = unicodedata.normalize("NFD", "Cải  cách\u00a0hành chính")
    article = make_article(title=f"  {decomposed}\u200b ", body=" Dòng một \n\n\n  Dòng\u00a0hai ",
                           published_at="2024-05-01 09:00", updated_at="2024-05-01T02:00:00Z",
                           images=[Image(src=" https://x/a.jpg ", caption=" Ảnh\u00a0hội nghị ")])
    out = NormalizePipeline().process_item(article)
    assert out.title == "Cải cách hành chính" and unicodedata.is_normalized("NFC", out.title)
    assert out.body == "Dòng một\nDòng hai" and out.word_count == 4
    assert out.published_at == "2024-05-01T09:00:00+07:00"
    assert out.updated_at == "2024-05-01T09:00:00+07:00"
    assert out.images[0].caption == "Ảnh hội nghị" and out.fetched_at.endswith("+07:00")


def test_crawl_errors_pass_untouched():
    error = CrawlError(url=f"{BASE}x", reason="the server answered HTTP 500", http_status=500, kind="http")
    for pipeline in (NormalizePipeline(), ValidatePipeline(), DedupePipeline()):
        assert pipeline.process_item(error) is error


@pytest.mark.parametrize("article, reason", [
    (Article.failed(f"{BASE}1", "no article body found"), "extraction failed: no article body found"),
    (make_article(title=""), "no title found on the page"),
    (make_article(body="  "), "the page has no article text"),
])
def test_validate_drops_with_a_reason(article, reason):
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline().process_item(article)


def test_dedupe_within_a_run():
    dedupe = DedupePipeline()
    dedupe.process_item(make_article(1))
    with pytest.raises(DropItem, match=re.escape(f"duplicate of {BASE}1")):
        dedupe.process_item(make_article(1))
    with pytest.raises(DropItem, match=re.escape(f"duplicate of {BASE}1")):
        dedupe.process_item(make_article(2, title=make_article(1).title, body=make_article(1).body))
    assert dedupe.process_item(make_article(3)).url == f"{BASE}3"


def test_failures_end_in_crawl_errors_and_counts_in_the_run(tmp_path):
    items = [
        make_article(1),
        Article.failed(f"{BASE}2", "no article body found"),
        make_article(3, title=""),
        make_article(4, body=""),
        make_article(1),  # duplicate in this run
        CrawlError(url=f"{BASE}5", reason="the server answered HTTP 404", http_status=404, kind="http"),
        make_article(6),
    ]
    db, passed = run_items(tmp_path, items)
    assert len(passed) == 3
    assert db["articles"].count == 2
    errors = {r["url"]: r for r in db.query("select * from crawl_errors")}
    assert errors[f"{BASE}2"]["reason"] == "extraction failed: no article body found"
    assert errors[f"{BASE}2"]["kind"] == "extraction" and errors[f"{BASE}2"]["site"] == SITE
    assert errors[f"{BASE}3"]["reason"] == "no title found on the page"
    assert errors[f"{BASE}4"]["reason"] == "the page has no article text"
    assert errors[f"{BASE}5"]["http_status"] == 404 and errors[f"{BASE}5"]["site"] == SITE
    run = next(db.query("select * from crawl_runs"))
    assert run["status"] == "ok" and run["finished_at"]
    assert (run["new"], run["duplicates"], run["errors"]) == (2, 1, 4)
    per_site = next(db.query("select * from crawl_run_sites"))
    assert per_site["site"] == SITE and per_site["new"] == 2 and per_site["errors"] == 4


def test_second_run_reports_unchanged_and_updated(tmp_path):
    run_items(tmp_path, [make_article(1), make_article(2)])
    db, _ = run_items(tmp_path, [make_article(1), make_article(2, body="Đã sửa nội dung.")])
    last = list(db.query("select * from crawl_runs order by id"))[-1]
    assert (last["new"], last["unchanged"], last["updated"]) == (0, 1, 1)
    assert db["articles"].count == 2


def test_given_run_id_is_used(tmp_path):
    from archive.store import Archive

    with Archive(tmp_path / "a.db") as archive:
        run_id = archive.start_run("site", [SITE])
    db, _ = run_items(tmp_path, [make_article(1)], ARCHIVE_RUN_ID=str(run_id))
    assert [r["id"] for r in db.query("select id from crawl_runs")] == [run_id]
    assert next(db.query("select new from crawl_runs"))["new"] == 1


def test_store_failure_is_recorded(tmp_path):
    db, _ = run_items(tmp_path, [make_article(1, url="https://nowhere.example/1", site="")])
    error = next(db.query("select * from crawl_errors"))
    assert "belongs to no registry site" in error["reason"] and error["kind"] == "store"


SPIDER = textwrap.dedent('''
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from scrapers.items import Article, CrawlError

    BASE = "https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin="

    class Items(scrapy.Spider):
        name = "items"
        async def start(self):
            yield Article(url=BASE + "1", title="Cải cách hành chính", body="Nội dung.", site="binhdinh_skhcn")
            yield Article.failed(BASE + "2", "no article body found")
            yield Article(url=BASE + "1", title="Cải cách hành chính", body="Nội dung.", site="binhdinh_skhcn")
            yield CrawlError(url=BASE + "3", reason="the host name does not resolve", kind="dns")

    settings = get_project_settings()
    settings.set("ARCHIVE_DB", {db!r})
    settings.set("LOG_LEVEL", "ERROR")
    process = CrawlerProcess(settings)
    process.crawl(Items)
    process.start()
''')


def test_real_scrapy_crawl_through_the_configured_pipelines(tmp_path):
    db_path = tmp_path / "crawl.db"
    script = SPIDER.format(db=str(db_path))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                            env={"SCRAPY_SETTINGS_MODULE": "scrapers.settings.base", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 1
    reasons = sorted(r["reason"] for r in db.query("select reason from crawl_errors"))
    assert reasons == ["extraction failed: no article body found", "the host name does not resolve"]
    run = next(db.query("select * from crawl_runs"))
    assert (run["status"], run["spider"], run["new"], run["duplicates"], run["errors"]) == ("ok", "items", 1, 1, 2)
