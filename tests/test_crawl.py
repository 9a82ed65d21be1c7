"""The demo crawl: every registry site of the offline web into a fresh archive, end to end."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlite_utils

from scrapers.registry import load_registry
from spiders.run import CrawlRefused, run_crawl


def registered_articles(manifest: dict) -> dict[str, dict]:
    """Manifest articles of the sites the registry knows, keyed by URL."""
    return {
        article["url"]: {**article, "site": slug}
        for slug, site in manifest["sites"].items()
        if site["registered"]
        for article in site["articles"]
    }


@pytest.fixture(scope="module")
def stored(demo_crawl) -> dict[str, dict]:
    db_path, _ = demo_crawl
    rows = list(sqlite_utils.Database(db_path).query("select * from articles"))
    return {row["url"]: row for row in rows}


def test_crawl_run_succeeds(demo_crawl):
    _, summary = demo_crawl
    assert summary.ok, summary


def test_every_manifest_article_archived_exactly_once(demo_crawl, manifest, stored):
    db_path, _ = demo_crawl
    expected = registered_articles(manifest)
    urls = Counter(row["url"] for row in sqlite_utils.Database(db_path).query("select url from articles"))
    assert [u for u, n in urls.items() if n > 1] == []
    missing = sorted(set(expected) - set(urls))
    extra = sorted(set(urls) - set(expected))
    assert missing == [] and extra == []


def test_titles_dates_and_sites_match_the_manifest(manifest, stored):
    expected = registered_articles(manifest)
    wrong = [
        (url, field, row[field], expected[url][field])
        for url, row in stored.items()
        for field in ("title", "published_at", "site")
        if url in expected and row[field] != expected[url][field]
    ]
    assert wrong == []


def test_bodies_hold_the_article_and_none_of_the_chrome(manifest, stored):
    expected = registered_articles(manifest)
    problems = []
    for url, row in stored.items():
        truth = expected[url]
        if truth["body_first"] not in row["body"] or truth["body_last"] not in row["body"]:
            problems.append((url, "article text missing"))
        chrome = manifest["sites"][truth["site"]]["chrome"]
        problems += [(url, f"chrome leaked: {c!r}") for c in chrome if c in row["body"]]
    assert problems == []


def test_non_article_pages_stay_out(manifest, stored):
    non_articles = {u for site in manifest["sites"].values() for u in site["non_articles"]}
    assert non_articles, "the snapshot must hold non-article pages to test this"
    assert sorted(non_articles & set(stored)) == []


def test_reform_category_is_recorded(manifest, stored):
    expected = registered_articles(manifest)
    reform_urls = {u for u, a in expected.items() if a["reform"]}
    assert reform_urls
    assert sorted(u for u in reform_urls if not stored[u]["reform"]) == []


def test_every_registry_site_got_articles(manifest, stored, snapshot_slugs):
    per_site = Counter(row["site"] for row in stored.values())
    registry = load_registry()
    assert set(snapshot_slugs) <= set(registry), "every snapshot site must be in the registry"
    for slug in snapshot_slugs:
        if registry[slug].active:
            assert per_site[slug] >= 10, slug


def test_demo_crawl_touched_only_the_snapshot_sites(demo_crawl, snapshot_slugs):
    db_path, summary = demo_crawl
    assert set(summary.per_site) == set(snapshot_slugs)
    assert summary.failed_sites == []


@pytest.mark.parametrize("family", ["aspnet", "custom_php", "drupal", "joomla", "liferay", "nukeviet",
                                    "sharepoint", "slug_id_portal"])
def test_each_family_spider_finds_every_article_and_no_other_page(family, manifest, stored):
    registry = load_registry()
    slugs = [s for s, site in manifest["sites"].items() if site["registered"] and registry[s].family == family]
    assert slugs, f"no snapshot site of family {family}"
    from spiders.families import FAMILIES, navigation_for

    assert family in FAMILIES and navigation_for(family).family == family
    for slug in slugs:
        truth = {a["url"] for a in manifest["sites"][slug]["articles"]}
        got = {url for url, row in stored.items() if row["site"] == slug}
        assert sorted(truth - got) == [], slug
        assert sorted(got & set(manifest["sites"][slug]["non_articles"])) == [], slug
        assert sorted(got - truth) == [], slug


def test_articles_carry_a_relevance_score(manifest, stored):
    expected = registered_articles(manifest)
    reform = [row["relevance"] for url, row in stored.items() if expected[url]["reform"]]
    assert all(row["relevance"] is not None and 0 <= row["relevance"] <= 1 for row in stored.values())
    assert sum(reform) / len(reform) > 0.5  # reform-category articles speak the CCHC vocabulary


def test_every_article_points_to_its_warc_record(stored):
    assert all(row["warc_file"] and row["warc_offset"] is not None for row in stored.values())


def test_generic_spider_finds_the_unregistered_site(snapshot_dir, manifest, tmp_path):
    site = manifest["sites"]["khcnhungyen"]
    assert not site["registered"]
    summary = run_crawl(tmp_path / "g.db", url=site["base_url"], snapshot_dir=snapshot_dir, progress=False)
    assert summary.ok, summary
    urls = {row["url"] for row in sqlite_utils.Database(tmp_path / "g.db").query("select url from articles")}
    truth = {a["url"] for a in site["articles"]}
    assert len(urls & truth) >= 0.95 * len(truth), sorted(truth - urls)
    assert sorted(urls & set(site["non_articles"])) == []


def test_second_crawl_adds_no_rows(demo_crawl, snapshot_dir):
    db_path, _ = demo_crawl
    db = sqlite_utils.Database(db_path)
    before = db["articles"].count
    summary = run_crawl(db_path, snapshot_dir=snapshot_dir, sites=["binhdinh_skhcn", "langson_sokhcn"])
    assert summary.ok
    assert sqlite_utils.Database(db_path)["articles"].count == before
    assert summary.counts.get("new", 0) == 0


def test_unknown_site_is_refused_with_the_known_ones(tmp_path):
    with pytest.raises(CrawlRefused, match="unknown site.*known: .*binhdinh_skhcn"):
        run_crawl(tmp_path / "a.db", sites=["khong_co"])


def test_private_address_needs_allow_private(tmp_path):
    with pytest.raises(CrawlRefused, match="--allow-private"):
        run_crawl(tmp_path / "a.db", url="http://127.0.0.1:9/")


def test_private_addresses_are_refused_for_every_request_and_redirect():
    import asyncio

    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from scrapers.middlewares.private import PrivateAddressMiddleware, PrivateAddressRefused, is_private_ip

    assert is_private_ip("10.1.2.3") and is_private_ip("::1") and not is_private_ip("203.113.130.10")
    middleware = PrivateAddressMiddleware.from_crawler(get_crawler(settings_dict={"ALLOW_PRIVATE_ADDRESSES": False}))
    for url in ("http://127.0.0.1/", "http://localhost:8080/x", "http://192.168.1.5/redirected"):
        with pytest.raises(PrivateAddressRefused):
            asyncio.run(middleware.process_request(Request(url)))
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        PrivateAddressMiddleware.from_crawler(get_crawler(settings_dict={"ALLOW_PRIVATE_ADDRESSES": True}))


def test_retries_back_off_and_respect_retry_after():
    import asyncio
    import time

    from scrapy import Request
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from scrapers.middlewares.retry import BackoffRetryMiddleware, retry_after_seconds
    from spiders.site import SiteSpider

    assert retry_after_seconds(b"120") == 120.0 and retry_after_seconds("nonsense") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no wait
    crawler = get_crawler(SiteSpider, {"RETRY_TIMES": 2, "RETRY_BACKOFF_MAX": 0.2, "RETRY_BACKOFF_BASE": 0.01})
    crawler.spider = crawler._create_spider()
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request("https://sokhcn.cantho.gov.vn/default.aspx?pid=56&cid=14")
    busy = Response(request.url, status=503, headers={"Retry-After": "3600"}, request=request)
    retry = middleware.process_response(request, busy)
    assert isinstance(retry, Request) and retry.meta["retry_after"] == 3600.0
    began = time.monotonic()
    asyncio.run(middleware.process_request(retry))
    assert 0.15 < time.monotonic() - began < 1.0  # waited, capped at RETRY_BACKOFF_MAX


def test_polite_settings():
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("scrapers.settings.prod")
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert "reformnews" in settings.get("USER_AGENT") and "https://" in settings.get("USER_AGENT")
    assert settings.getint("DOWNLOAD_MAXSIZE") > 0 and settings.getint("DEPTH_LIMIT") > 0
    assert not settings.getbool("HTTPCACHE_ENABLED") and not settings.getbool("ALLOW_PRIVATE_ADDRESSES")


def test_progress_line_counts_what_the_run_archived(demo_crawl):
    from spiders.progress import Progress

    db_path, summary = demo_crawl
    line = Progress(db_path, summary.run_id, "0000").line()
    total = sqlite_utils.Database(db_path)["articles"].count
    assert line.startswith(f"run {summary.run_id}: {total} new articles, 0 queued, ")
    assert Progress(db_path.parent / "missing.db", 1, "0000").line() == ""
