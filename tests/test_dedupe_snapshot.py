"""The offline snapshot's republished copies end as one story each in the crawled archive."""

from __future__ import annotations

from collections import defaultdict

import sqlite_utils

from scrapers.urls import canonical_url


def archived_stories(db_path) -> dict[str, int]:
    """Story id by every canonical spelling the archive knows for an article."""
    db = sqlite_utils.Database(db_path)
    found: dict[str, int] = {}
    for row in db.query("select url, canonical_url, story_id from articles"):
        for url in (row["url"], row["canonical_url"]):
            found[canonical_url(url)] = row["story_id"]
    for row in db.query("select al.url, a.story_id from article_aliases al join articles a on a.id = al.article_id"):
        found.setdefault(canonical_url(row["url"]), row["story_id"])
    return found


def test_snapshot_stories_are_one_story_each_and_distinct(manifest, demo_crawl):
    db_path, _ = demo_crawl
    found = archived_stories(db_path)
    truth: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, site in manifest["sites"].items():
        for article in site["articles"]:
            truth[article["story"]].append((slug, article["url"]))
    republished = {story: copies for story, copies in truth.items() if len({s for s, _ in copies}) > 1}
    assert republished, "the snapshot has no republished stories"
    owner: dict[int, str] = {}
    checked = 0
    for story, copies in truth.items():
        ids = {found[canonical_url(url)] for _, url in copies if canonical_url(url) in found}
        if story in republished:
            crawled = [url for slug, url in copies if canonical_url(url) in found]
            if len(crawled) < 2:
                continue  # a copy on a site the demo crawl does not cover
            assert len(ids) == 1, f"{story}: copies {crawled} are in stories {sorted(ids)}"
            checked += 1
        for story_id in ids:
            assert owner.setdefault(story_id, story) == story, (
                f"archive story {story_id} mixes manifest stories {owner[story_id]} and {story}")
    assert checked >= len(republished) // 2
