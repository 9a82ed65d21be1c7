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


def test_every_registry_site_got_articles(manifest, stored):
    per_site = Counter(row["site"] for row in stored.values())
    for slug, site in load_registry().items():
        if site.active:
            assert per_site[slug] >= 10, slug


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
