"""Per-site `options` of the registry: validated by `reformnews sites check`, honoured by the crawl.

download_delay and concurrency become DOWNLOAD_SLOTS (a crawl of a local server shows the spacing
and the parallelism); download_timeout gives up on a slow page; listing_max_pages stops a walk of
the offline snapshot at that page; revisit_after_days makes archived articles due sooner.
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest.mock import Mock

import pytest
import sqlite_utils

from scrapers.registry import (
    REGISTRY_PATH,
    RegistryError,
    SiteOptions,
    download_slots,
    load_registry,
    parse_site,
)
from spiders.run import run_crawl
from tests.registry_helpers import sites_check

ENTRY = '''
[quangtri_sokhcn]
name = "Sở KH&CN Quảng Trị"
base_url = "https://sokhcn.quangtri.gov.vn/"
family = "liferay"
listings = [{ url = "https://sokhcn.quangtri.gov.vn/cai-cach-hanh-chinh", reform = true }]
article_pattern = '/view-article/\\d+'
'''


def entry(**fields: object) -> dict:
    """A minimal valid registry table, with ``fields`` added."""
    return {"name": "Sở KH&CN Quảng Trị", "base_url": "https://sokhcn.quangtri.gov.vn/", "family": "liferay",
            **fields}


# --- validation --------------------------------------------------------------------------------

def test_options_are_optional_and_parsed_with_their_types():
    assert parse_site("quangtri_sokhcn", entry()).options == SiteOptions()
    options = parse_site("quangtri_sokhcn", entry(options={
        "download_delay": 3, "concurrency": 1, "download_timeout": 60.0, "listing_max_pages": 50,
        "revisit_after_days": 7})).options
    assert options == SiteOptions(download_delay=3.0, concurrency=1, download_timeout=60.0, listing_max_pages=50,
                                  revisit_after_days=7.0)
    assert isinstance(options.download_delay, float) and isinstance(options.revisit_after_days, float)


def test_a_file_with_options_passes_sites_check(tmp_path):
    text = ENTRY + "options = { download_delay = 3.0, concurrency = 1, listing_max_pages = 50 }\n"
    assert sites_check(tmp_path, text) == (0, "registry ok: 1 sites (1 active)\n")


BAD_OPTIONS = [
    ('options = "slow"', "site 'quangtri_sokhcn': options must be a table"),
    ("options = { delay = 3.0 }", "site 'quangtri_sokhcn': unknown option 'delay' (known: download_delay,"),
    ('options = { download_delay = "3s" }', "option download_delay must be a number, not '3s'"),
    ("options = { download_delay = true }", "option download_delay must be a number, not True"),
    ("options = { download_delay = 0.0 }", "option download_delay = 0.0 is out of range (0.1 to 60)"),
    ("options = { download_delay = 600 }", "option download_delay = 600 is out of range (0.1 to 60)"),
    ("options = { concurrency = 1.5 }", "option concurrency must be a whole number, not 1.5"),
    ("options = { concurrency = 0 }", "option concurrency = 0 is out of range (1 to 2)"),
    ("options = { concurrency = 8 }", "option concurrency = 8 is out of range (1 to 2)"),
    ('options = { download_timeout = "1m" }', "option download_timeout must be a number, not '1m'"),
    ("options = { download_timeout = 0.5 }", "option download_timeout = 0.5 is out of range (1 to 300)"),
    ("options = { download_timeout = 3600 }", "option download_timeout = 3600 is out of range (1 to 300)"),
    ("options = { listing_max_pages = 2.0 }", "option listing_max_pages must be a whole number, not 2.0"),
    ("options = { listing_max_pages = 0 }", "option listing_max_pages = 0 is out of range (1 to 1000)"),
    ("options = { listing_max_pages = 5000 }", "option listing_max_pages = 5000 is out of range (1 to 1000)"),
    ("options = { revisit_after_days = [30] }", "option revisit_after_days must be a number, not [30]"),
    ("options = { revisit_after_days = 0 }", "option revisit_after_days = 0 is out of range (1 to 3650)"),
    ("options = { revisit_after_days = 10000 }", "option revisit_after_days = 10000 is out of range (1 to 3650)"),
]


@pytest.mark.parametrize("line, message", BAD_OPTIONS)
def test_sites_check_names_the_site_and_the_bad_option(tmp_path, line, message):
    code, output = sites_check(tmp_path, ENTRY + line + "\n")
    assert code == 1
    assert message in output, output
    assert "quangtri_sokhcn" in output
    with pytest.raises(RegistryError, match=re.escape(message)):
        load_registry(tmp_path / "sites.toml")


# --- DOWNLOAD_SLOTS ----------------------------------------------------------------------------

def test_download_slots_cover_every_host_and_keep_the_politer_value():
    sites = [
        parse_site("travinh_khcn", {"name": "Trà Vinh", "base_url": "https://www.travinh.gov.vn/wps/portal/khcn",
                                    "family": "generic", "allowed_hosts": ["tptv.travinh.gov.vn"],
                                    "options": {"download_delay": 3.0, "concurrency": 1}}),
        parse_site("travinh_other", {"name": "Trà Vinh 2", "base_url": "https://travinh.gov.vn/other",
                                     "family": "generic", "options": {"download_delay": 5.0, "concurrency": 2}}),
        parse_site("quangtri_sokhcn", entry(options={"download_delay": 0.5, "listing_max_pages": 3})),
        parse_site("binhdinh_skhcn", {"name": "Bình Định", "base_url": "https://skhcn.binhdinh.gov.vn/",
                                      "family": "custom_php"}),
    ]
    slots = download_slots(sites, default_delay=1.0, max_concurrency=2)
    assert slots["travinh.gov.vn"] == slots["www.travinh.gov.vn"] == {"delay": 5.0, "concurrency": 1}
    assert slots["tptv.travinh.gov.vn"] == slots["www.tptv.travinh.gov.vn"] == {"delay": 3.0, "concurrency": 1}
    assert slots["sokhcn.quangtri.gov.vn"] == {"delay": 1.0}  # never below DOWNLOAD_DELAY
    assert not any("binhdinh" in host for host in slots)  # no options, no slot: the global settings apply
    assert download_slots(sites[1:2], max_concurrency=1)["travinh.gov.vn"]["concurrency"] == 1


def crawler_for(settings_module: str, **overrides: object):
    """A Crawler of the registry spider on ``settings_module``, before its settings are frozen."""
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

    from spiders.site import SiteSpider

    settings = Settings()
    settings.setmodule(settings_module, priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return Crawler(SiteSpider, settings)


def test_the_registry_spider_builds_download_slots_when_the_crawl_starts(tmp_path):
    from spiders.site import SiteSpider

    registry = tmp_path / "sites.toml"
    registry.write_text(ENTRY + "options = { download_delay = 4.0, concurrency = 1, listing_max_pages = 700 }\n",
                        encoding="utf-8")
    crawler = crawler_for("scrapers.settings.base")
    SiteSpider.from_crawler(crawler, registry=str(registry))
    slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
    assert slots["sokhcn.quangtri.gov.vn"] == {"delay": 4.0, "concurrency": 1}
    assert crawler.settings.getint("DEPTH_LIMIT") == 705  # deep enough for the longest allowed walk

    # Slots given in the settings win over the registry's; the offline web applies none.
    crawler = crawler_for("scrapers.settings.base", SITE_REGISTRY=str(registry),
                          DOWNLOAD_SLOTS={"sokhcn.quangtri.gov.vn": {"delay": 9.0}})
    SiteSpider.from_crawler(crawler)
    assert crawler.settings.getdict("DOWNLOAD_SLOTS")["sokhcn.quangtri.gov.vn"] == {"delay": 9.0}
    crawler = crawler_for("scrapers.settings.offline", SITE_REGISTRY=str(registry))
    SiteSpider.from_crawler(crawler)
    assert crawler.settings.getdict("DOWNLOAD_SLOTS") == {}


def test_the_real_registry_slows_the_provincial_portals():
    from spiders.site import SiteSpider

    crawler = crawler_for("scrapers.settings.prod")
    SiteSpider.from_crawler(crawler, site="daklak")
    slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
    assert slots["daklak.gov.vn"]["delay"] >= 3.0 and slots["hoabinh.gov.vn"]["delay"] >= 3.0


def test_autothrottle_never_takes_a_slot_below_its_registry_delay(tmp_path):
    from scrapy import Request, signals
    from scrapy.core.downloader import Slot
    from scrapy.extensions.throttle import AutoThrottle
    from scrapy.http import Response

    from scrapers.extensions.slotdelay import SlotDelayFloor
    from spiders.site import SiteSpider

    registry = tmp_path / "sites.toml"
    registry.write_text(ENTRY + "options = { download_delay = 4.0 }\n", encoding="utf-8")
    crawler = crawler_for("scrapers.settings.base", SITE_REGISTRY=str(registry))
    spider = SiteSpider.from_crawler(crawler)
    # base.py's order; both kept referenced, as Scrapy's signals hold their handlers weakly
    throttle_and_floor = [AutoThrottle.from_crawler(crawler), SlotDelayFloor.from_crawler(crawler)]
    floor = throttle_and_floor[1]
    assert floor.floors["sokhcn.quangtri.gov.vn"] == 4.0
    crawler.engine = Mock()
    crawler.engine.downloader.slots = {"sokhcn.quangtri.gov.vn": Slot(1, 4.0, 0.0), "other.gov.vn": Slot(1, 4.0, 0.0)}
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    for host in ("sokhcn.quangtri.gov.vn", "other.gov.vn"):
        request = Request(f"https://{host}/x", meta={"download_slot": host, "download_latency": 0.05})
        response = Response(request.url, status=200, request=request)
        crawler.signals.send_catch_log(signals.response_downloaded, response=response, request=request,
                                       spider=spider)
    slots = crawler.engine.downloader.slots
    assert slots["other.gov.vn"].delay < 4.0  # a fast answer: AutoThrottle speeds a slot up
    assert slots["sokhcn.quangtri.gov.vn"].delay == 4.0  # but not below the registry's delay


def test_requests_carry_the_site_download_timeout(tmp_path):
    from scrapy import Request

    from spiders.site import SiteOptionsMiddleware, SiteSpider

    registry = tmp_path / "sites.toml"
    registry.write_text(ENTRY + "options = { download_timeout = 90 }\n" + ENTRY.replace("quangtri", "quangtri2")
                        .replace("https://sokhcn.quangtri.gov.vn", "https://sokhcn2.quangtri.gov.vn"),
                        encoding="utf-8")
    crawler = crawler_for("scrapers.settings.base", SITE_REGISTRY=str(registry))
    spider = crawler.spider = SiteSpider.from_crawler(crawler)
    assert crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")[SiteOptionsMiddleware] == 340
    middleware = SiteOptionsMiddleware.from_crawler(crawler)
    spider.sites = {s.slug: s for s in spider.selected_sites()}
    slow, other = spider.sites["quangtri_sokhcn"], spider.sites["quangtri2_sokhcn"]
    listing = slow.listings[0]

    def downloaded(request):
        middleware.process_request(request)
        return request.meta

    assert downloaded(spider.listing_request(listing.url, slow, listing, "k", 1))["download_timeout"] == 90.0
    assert downloaded(spider.state_request("https://sokhcn.quangtri.gov.vn/rss", slow, "feed", spider.parse_feed)) \
        ["download_timeout"] == 90.0
    article = spider.article_request("https://sokhcn.quangtri.gov.vn/view-article/1", site=slow.slug,
                                     family="liferay", found_on="k")
    assert downloaded(article)["download_timeout"] == 90.0
    assert "download_timeout" not in downloaded(spider.article_request(
        "https://sokhcn2.quangtri.gov.vn/view-article/1", site=other.slug, family="liferay", found_on="k"))
    # An article's images and attachments are not the site's pages: they keep DOWNLOAD_TIMEOUT, as before.
    image = Request("https://sokhcn.quangtri.gov.vn/anh.jpg", meta={"site": slow.slug, "kind": "image"})
    assert "download_timeout" not in downloaded(image)


# --- a live crawl of a local server ------------------------------------------------------------

class LocalSite:
    """A small news site on 127.0.0.1: two listing pages, five articles and /bai-cham.html, slower still."""

    def __init__(self, *, pause: float, stall: float) -> None:
        self.pause, self.stall = pause, stall  # seconds every page takes; seconds /bai-cham.html takes
        self.asked: list[str] = []  # paths, as requests arrive
        self.visits: list[tuple[str, float, float]] = []  # path, start, end (monotonic) of answered requests
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return None

            def do_GET(self) -> None:  # noqa: N802
                site.answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        from tests.faultweb import article_html, page

        path, started = handler.path, time.monotonic()
        with self.lock:
            self.asked.append(path)
        time.sleep(self.stall if path == "/bai-cham.html" else self.pause)
        status, body = 200, ""
        if path.startswith("/tin-tuc?page="):
            number = int(path.rsplit("=", 1)[1])
            links = [(f"/bai-{n}.html", f"Bài {n}") for n in ([1, 2, 3] if number == 1 else [4, 5])]
            links += [("/bai-cham.html", "Bài chậm")] if number == 2 else [("/tin-tuc?page=2", "Trang sau")]
            body = page(f"Tin tức - trang {number}", "<h1>Tin tức</h1>", links=links)
        elif re.fullmatch(r"/bai-(\d|cham)\.html", path):
            body = article_html(99 if "cham" in path else int(path[5]))
        else:
            status, body = 404, "<html><body><h1>404</h1></body></html>"
        data = body.encode("utf-8")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        with self.lock:
            self.visits.append((path, started, time.monotonic()))

    def registry(self, options: str) -> str:
        """A registry holding this site, with ``options`` (TOML inline table text, or "")."""
        return (f'[thu_nghiem]\nname = "Sở KH&CN thử nghiệm"\nbase_url = "{self.url}"\nfamily = "generic"\n'
                f'listings = [{{ url = "{self.url}tin-tuc?page=1", category = "Tin tức" }}]\n'
                "article_pattern = '/bai-[a-z0-9]+\\.html$'\nlisting_pattern = '/tin-tuc\\?page=\\d+$'\n"
                + (f"options = {options}\n" if options else ""))

    def max_parallel(self) -> int:
        """Most requests of normal pages the server was answering at once."""
        spans = [(start, end) for path, start, end in self.visits if path != "/bai-cham.html"]
        return max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)

    def gaps(self) -> list[float]:
        """Seconds between the starts of consecutive requests."""
        starts = sorted(start for _, start, _ in self.visits)
        return [b - a for a, b in zip(starts, starts[1:])]


# Live settings (scrapers.settings.base), made quick: no retries, no jitter, no robots.txt.
LIVE = {"DOWNLOAD_DELAY_JITTER": "0", "AUTOTHROTTLE_START_DELAY": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
        "RETRY_ENABLED": "False", "ROBOTSTXT_OBEY": "False"}


def crawl_local(tmp_path: Path, name: str, options: str, *, pause: float, stall: float,
                **settings: str) -> tuple[LocalSite, sqlite_utils.Database]:
    """Crawl a fresh LocalSite with the registry ``options``; the server's record and the archive."""
    site = LocalSite(pause=pause, stall=stall)
    site.thread.start()
    try:
        registry = tmp_path / f"{name}.toml"
        registry.write_text(site.registry(options), encoding="utf-8")
        db = tmp_path / name / "archive.db"
        summary = run_crawl(db, sites=["thu_nghiem"], allow_private=True, registry_path=registry, progress=False,
                            settings={**LIVE, **settings}, log_file=tmp_path / f"{name}.log")
        assert summary.exit_code == 0, (tmp_path / f"{name}.log").read_text(encoding="utf-8")[-3000:]
    finally:
        site.server.shutdown()
        site.server.server_close()
    assert len(site.asked) == 8  # 2 listing pages, 6 articles
    return site, sqlite_utils.Database(db)


def test_concurrency_and_download_timeout_options_shape_a_live_crawl(tmp_path):
    slow = {"pause": 0.5, "stall": 2.5, "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0.1"}
    # Without options: a second request starts while the first is answered; the slow page is waited for.
    plain, plain_db = crawl_local(tmp_path, "plain", "", **slow)
    assert plain.max_parallel() == 2
    archived = {r["url"] for r in plain_db.query("select url from articles")}
    assert plain.url + "bai-cham.html" in archived and plain_db["crawl_errors"].count == 0

    # With them: one request at a time, and the slow page given up after download_timeout.
    polite, polite_db = crawl_local(tmp_path, "polite", "{ concurrency = 1, download_timeout = 1 }", **slow)
    assert polite.max_parallel() == 1
    errors = {r["url"]: r["kind"] for r in polite_db.query("select url, kind from crawl_errors")}
    assert errors == {polite.url + "bai-cham.html": "timeout"}
    assert {r["url"].removeprefix(polite.url) for r in polite_db.query("select url from articles")} \
        == {u.removeprefix(plain.url) for u in archived} - {"bai-cham.html"}


def test_download_delay_option_spaces_a_live_crawl_even_under_autothrottle(tmp_path):
    # A quick server, no global delay: AutoThrottle would bring the slot down toward the latency.
    spaced, _ = crawl_local(tmp_path, "spaced", "{ download_delay = 0.4 }", pause=0.02, stall=0.02,
                            AUTOTHROTTLE_ENABLED="True", DOWNLOAD_DELAY="0")
    assert min(spaced.gaps()) >= 0.4 - 0.03, spaced.gaps()


# --- the offline snapshot ----------------------------------------------------------------------

def registry_with_options(path: Path, slug: str, options: str) -> Path:
    """A registry file at ``path`` holding only ``slug``'s real entry, with ``options`` added."""
    text = REGISTRY_PATH.read_text(encoding="utf-8")
    table = re.search(rf"^\[{slug}\]\n.*?(?=^\[|^# |\Z)", text, re.S | re.M).group(0).rstrip()
    path.write_text(f"{table}\noptions = {options}\n", encoding="utf-8")
    assert load_registry(path)[slug].options != SiteOptions()
    return path


def listing_pages(manifest: dict, slug: str) -> dict[str, list[str]]:
    """The snapshot's pages of each listing of ``slug``, in order, keyed by the listing's first page."""
    pages: dict[str, list[str]] = {}
    for url in manifest["sites"][slug]["listings"]:
        first = re.sub(r"&trang=\d+$", "", url)
        pages.setdefault(first, []).append(url)
    return pages


def test_listing_max_pages_stops_the_walk_and_revisit_after_days_brings_articles_back(snapshot_dir, manifest,
                                                                                       tmp_path):
    from bench.incremental import requests_by_kind
    from scrapers.middlewares.warc import warc_dir_for

    slug = "binhdinh_skhcn"
    pages = listing_pages(manifest, slug)
    assert max(len(p) for p in pages.values()) == 3  # the reform listing has 3 pages in the snapshot
    db_path = tmp_path / "archive.db"
    capped = registry_with_options(tmp_path / "capped.toml", slug, "{ listing_max_pages = 2 }")
    first = run_crawl(db_path, sites=[slug], snapshot_dir=snapshot_dir, registry_path=capped, progress=False)
    assert first.ok
    db = sqlite_utils.Database(db_path)
    walked = {r["url"] for r in db.query("select url from fetch_state where kind = 'listing'")}
    assert walked == {url for urls in pages.values() for url in urls[:2]}
    last_page = [a["url"] for a in manifest["sites"][slug]["articles"] if a["found_on"].endswith("&trang=3")]
    archived = {r["url"] for r in db.query("select url from articles")}
    assert last_page and not archived & set(last_page)
    assert len(archived) == len(manifest["sites"][slug]["articles"]) - len(last_page)

    # Every article last seen 5 days ago: not due under the global 30 days, due under the site's 3.
    from archive.crawlstate import iso_days_ago

    db.execute("update articles set last_seen = ?", [iso_days_ago(5)])
    db.conn.commit()
    settings = {"REVISIT_MAX_PER_SITE": "4"}
    second = run_crawl(db_path, sites=[slug], snapshot_dir=snapshot_dir, registry_path=capped, progress=False,
                       settings=settings)
    assert second.ok and requests_by_kind(warc_dir_for(db_path), second.run_id)["article"] == 0
    due = registry_with_options(tmp_path / "due.toml", slug,
                                "{ listing_max_pages = 2, revisit_after_days = 3 }")
    third = run_crawl(db_path, sites=[slug], snapshot_dir=snapshot_dir, registry_path=due, progress=False,
                      settings=settings)
    assert third.ok and requests_by_kind(warc_dir_for(db_path), third.run_id)["article"] == 4
