"""robots.txt kept in the archive across runs (scrapers/middlewares/robots.py): asked once per
ROBOTSTXT_CACHE_HOURS, its kept rules still obeyed, a 5xx never kept."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlite_utils
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from archive.crawlstate import iso_days_ago
from archive.store import Archive
from bench.incremental import requests_by_kind
from scrapers.middlewares.robots import CachedRobotsTxtMiddleware
from scrapers.middlewares.warc import warc_dir_for
from spiders.run import run_crawl

SLUG = "cantho_sokhcn"
ROBOTS = "https://sokhcn.cantho.gov.vn/robots.txt"


def robots_requests(db: Path, run_id: int) -> int:
    return requests_by_kind(warc_dir_for(db), run_id)["robots"]


def test_robots_txt_is_asked_once_per_cache_time(snapshot_dir, tmp_path):
    db = tmp_path / "archive.db"
    first = run_crawl(db, sites=[SLUG], snapshot_dir=snapshot_dir, progress=False)
    assert first.ok and robots_requests(db, first.run_id) == 1
    kept = next(sqlite_utils.Database(db).query("select * from robots_cache where url = ?", [ROBOTS]))
    assert kept["http_status"] == 200 and b"Disallow: /login.aspx" in kept["body"]

    second = run_crawl(db, sites=[SLUG], snapshot_dir=snapshot_dir, progress=False)
    assert second.ok and robots_requests(db, second.run_id) == 0  # within ROBOTSTXT_CACHE_HOURS: kept rules

    database = sqlite_utils.Database(db)
    database.execute("update robots_cache set checked_at = ?", [iso_days_ago(25 / 24)])
    database.conn.commit()
    third = run_crawl(db, sites=[SLUG], snapshot_dir=snapshot_dir, progress=False)
    assert third.ok and robots_requests(db, third.run_id) == 1  # 25 hours later: asked again
    checked = next(sqlite_utils.Database(db).query("select checked_at from robots_cache"))["checked_at"]
    assert checked > iso_days_ago(1 / 24)


def test_kept_rules_are_obeyed_without_asking(snapshot_dir, tmp_path):
    """Kept rules that disallow the site's articles: none is fetched, and robots.txt is not asked."""
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.save_robots(ROBOTS, http_status=200, body=b"User-agent: *\nDisallow: /default.aspx?pid=57\n")
    summary = run_crawl(db, sites=[SLUG], snapshot_dir=snapshot_dir, progress=False)
    kinds = requests_by_kind(warc_dir_for(db), summary.run_id)
    assert kinds["robots"] == 0 and kinds["listing"] >= 2
    assert kinds["article"] == 0 and sqlite_utils.Database(db)["articles"].count == 0


# --- answers that must not be kept ------------------------------------------------------------------

def middleware(db: Path, answer: Response) -> tuple[CachedRobotsTxtMiddleware, list[Request]]:
    """The middleware of a crawl whose engine answers every download with ``answer``."""
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, "ARCHIVE_DB": str(db)})
    asked: list[Request] = []

    async def download_async(request: Request) -> Response:
        asked.append(request)
        return answer.replace(url=request.url, request=request)

    crawler.engine = SimpleNamespace(download_async=download_async)
    return CachedRobotsTxtMiddleware(crawler), asked


def allowed(mw: CachedRobotsTxtMiddleware, url: str) -> bool:
    parser = asyncio.run(mw.robot_parser(Request(url)))
    return parser is None or parser.allowed(url, "reformnews")


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_not_kept_as_allow_all(tmp_path, status):
    db = tmp_path / "archive.db"
    mw, asked = middleware(db, Response("https://x.gov.vn/robots.txt", status=status, body=b"<h1>Error</h1>"))
    allowed(mw, "https://x.gov.vn/tin/1")
    assert len(asked) == 1
    assert Archive(db).robots_cached("https://x.gov.vn/robots.txt") is None  # the next run asks again

    # With stale kept rules, the error keeps them in force (and leaves them stale: asked again next run).
    with Archive(db) as archive:
        archive.save_robots("https://x.gov.vn/robots.txt", http_status=200, body=b"User-agent: *\nDisallow: /tin/\n")
        archive.db.execute("update robots_cache set checked_at = ?", [iso_days_ago(2)])
    mw, asked = middleware(db, Response("https://x.gov.vn/robots.txt", status=status, body=b""))
    assert not allowed(mw, "https://x.gov.vn/tin/1") and len(asked) == 1
    assert Archive(db).robots_cached("https://x.gov.vn/robots.txt")["checked_at"] <= iso_days_ago(1)


def test_a_missing_robots_txt_is_kept_and_revalidation_sends_validators(tmp_path):
    db = tmp_path / "archive.db"
    mw, _ = middleware(db, Response("https://x.gov.vn/robots.txt", status=404, body=b"<h1>404</h1>"))
    assert allowed(mw, "https://x.gov.vn/tin/1")
    assert Archive(db).robots_cached("https://x.gov.vn/robots.txt")["http_status"] == 404

    with Archive(db) as archive:
        archive.save_robots("https://x.gov.vn/robots.txt", http_status=200, etag='"r1"',
                            body=b"User-agent: *\nDisallow: /tin/\n")
        archive.db.execute("update robots_cache set checked_at = ?", [iso_days_ago(2)])
    mw, asked = middleware(db, Response("https://x.gov.vn/robots.txt", status=304))
    assert not allowed(mw, "https://x.gov.vn/tin/1")  # 304: the kept rules, checked now
    assert asked[0].headers["If-None-Match"] == b'"r1"'
    assert Archive(db).robots_cached("https://x.gov.vn/robots.txt")["checked_at"] > iso_days_ago(1)
