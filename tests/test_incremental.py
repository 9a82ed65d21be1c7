"""Incremental crawls: a re-crawl after new articles fetches only them, conditionally asking the rest."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from bench.incremental import build_with_new, registered_urls, requests_by_kind
from scrapers.middlewares.warc import warc_dir_for
from scrapers.registry import load_registry
from spiders.run import run_crawl

# Three families, with and without feeds and sitemaps.
SITES = ["binhdinh_skhcn", "langson_sokhcn", "tayninh_sokhcn", "quangtri_sokhcn"]
NEW_PER_SITE = 3


@pytest.fixture(scope="module")
def grown_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline web with NEW_PER_SITE new articles on every site (listings, feeds re-rendered)."""
    out = tmp_path_factory.mktemp("snapshot-grown")
    build_with_new(out, NEW_PER_SITE)
    return out


@pytest.fixture(scope="module")
def crawls(snapshot_dir, grown_snapshot, tmp_path_factory):
    """A first crawl of the snapshot, then one of the grown snapshot, then one more of it."""
    db = tmp_path_factory.mktemp("incremental") / "archive.db"
    first = run_crawl(db, sites=SITES, snapshot_dir=snapshot_dir, progress=False)
    second = run_crawl(db, sites=SITES, snapshot_dir=grown_snapshot, progress=False)
    third = run_crawl(db, sites=SITES, snapshot_dir=grown_snapshot, progress=False)
    return db, first, second, third


def new_urls(snapshot_dir: Path, grown: Path) -> set[str]:
    before, after = registered_urls(snapshot_dir), registered_urls(grown)
    return {u for s in SITES for u in after[s] - before[s]}


def test_the_grown_snapshot_keeps_every_old_url(snapshot_dir, grown_snapshot):
    before, after = registered_urls(snapshot_dir), registered_urls(grown_snapshot)
    assert all(before[s] <= after[s] for s in SITES)
    assert len(new_urls(snapshot_dir, grown_snapshot)) == NEW_PER_SITE * len(SITES)


def test_second_crawl_fetches_only_the_new_articles(crawls, snapshot_dir, grown_snapshot):
    db, first, second, _ = crawls
    assert first.ok and second.ok
    added = new_urls(snapshot_dir, grown_snapshot)
    kinds = requests_by_kind(warc_dir_for(db), second.run_id)
    registry = load_registry()
    categories = sum(len(registry[s].listings) for s in SITES)
    fixed = len(SITES) + sum(len(registry[s].feeds) + len(registry[s].sitemaps) for s in SITES)  # robots.txt, feeds
    assert kinds["article"] == len(added)  # not one known article fetched again
    assert kinds["listing"] == categories  # one page per listing: the walk stops at known articles
    grown = json.loads((grown_snapshot / "manifest.json").read_text(encoding="utf-8"))
    new_images = {u for s in SITES for a in grown["sites"][s]["articles"] if a["url"] in added for u in a["images"]}
    assert kinds["image"] == len(new_images)  # the new articles' images, not one kept image fetched again
    assert second.counts["requests"] - kinds["image"] <= 1.05 * len(added) + categories + fixed
    assert second.counts["new"] == len(added)
    archived = Counter(r["url"] for r in sqlite_utils.Database(db).query("select url from articles"))
    assert added <= set(archived) and max(archived.values()) == 1


def test_unchanged_listings_answer_304_and_nothing_is_fetched(crawls):
    db, _, _, third = crawls
    kinds = requests_by_kind(warc_dir_for(db), third.run_id)
    assert third.ok and kinds["article"] == 0
    statuses = Counter(r["http_status"] for r in sqlite_utils.Database(db).query(
        "select http_status from fetch_state where kind = 'listing'"))
    assert statuses and third.counts["new"] == 0
    # the snapshot sends an ETag with every page: it is kept (Scrapy spells the header "Etag")
    etags = [r["etag"] for r in sqlite_utils.Database(db).query("select etag from fetch_state where kind = 'listing'")]
    assert etags and all(e.startswith('"') for e in etags)
    per_site = sqlite_utils.Database(db).query(
        "select sum(not_modified) as n from crawl_run_sites where run_id = ?", [third.run_id])
    assert next(per_site)["n"] >= sum(len(load_registry()[s].listings) for s in SITES)


def test_due_articles_are_revisited_conditionally(crawls, grown_snapshot):
    db, *_ = crawls
    before = {r["url"]: r["last_seen"] for r in sqlite_utils.Database(db).query("select url, last_seen from articles")}
    summary = run_crawl(db, sites=["binhdinh_skhcn"], snapshot_dir=grown_snapshot, progress=False,
                        settings={"REVISIT_AFTER_DAYS": "0", "REVISIT_MAX_PER_SITE": "4"})
    assert summary.ok
    kinds = requests_by_kind(warc_dir_for(db), summary.run_id)
    assert kinds["article"] == 4
    after = {r["url"]: r["last_seen"] for r in sqlite_utils.Database(db).query("select url, last_seen from articles")}
    assert sum(1 for u in before if after[u] != before[u]) == 4  # 304: seen again, not rewritten
    assert summary.counts["updated"] == 0
