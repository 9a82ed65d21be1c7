"""Incremental crawl bench: requests per new article on a re-crawl, beside a full re-crawl's.

    .venv/bin/python bench/incremental.py [--new-per-site 4] [--keep DIR]

1. builds the offline snapshot and crawls it into a fresh archive (the "yesterday" state);
2. builds the same snapshot with N more articles per site (new bodies and index entries, listing
   pages, feeds and sitemaps re-rendered, so their ETags change);
3. re-crawls it incrementally into that archive and, for comparison, from scratch into a new one;
4. prints the requests of each, by kind (article, listing, feed/sitemap, robots.txt, image), and the
   figure the target is about: (requests - one listing request per site-category) / new articles.

Not part of the test suite (tests/test_incremental.py asserts the same on a smaller scale).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
# This file's name shadows Twisted's `incremental` dependency when run as a script: drop bench/ from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from snapshot import generate, textgen  # noqa: E402
from snapshot.build import build_snapshot  # noqa: E402
from snapshot.model import Art  # noqa: E402


@contextmanager
def extra_articles(per_site: int) -> Iterator[None]:
    """While active, the snapshot generator publishes ``per_site`` more articles on every site, newest of all."""
    original = generate.republish

    def republish(by_site: dict, sites: list) -> int:
        copies = original(by_site, sites)
        for site in sites:
            rng = random.Random(f"bench-incremental-{site.slug}")
            for i in range(per_site):
                cat = i % 2
                topic_id = rng.choice([t["id"] for t in textgen.topics(reform=cat == 0)])
                when = datetime(2026, 2, 11, 7) + timedelta(hours=5 * i, minutes=rng.randint(0, 59))
                draft = textgen.draft(rng, site.slot_site(), topic_id, (when.year, when.month, when.day))
                by_site[site.slug].append(Art(site=site.slug, story=f"{site.slug}-new{i:03d}", cat=cat, draft=draft,
                                              dt=when, views=rng.randint(3, 40),
                                              author_raw=rng.choice(site.data["authors"])))
        return copies

    generate.republish = republish
    try:
        yield
    finally:
        generate.republish = original


def build_with_new(out: Path, per_site: int) -> Path:
    """The offline snapshot with ``per_site`` new articles on every site, written to ``out``."""
    with extra_articles(per_site):
        return build_snapshot(out)


def registered_urls(snapshot_dir: Path) -> dict[str, set[str]]:
    """Article URLs of the registry sites of a snapshot, per site."""
    manifest = json.loads((snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    return {slug: {a["url"] for a in site["articles"]} for slug, site in manifest["sites"].items() if site["registered"]}


def requests_by_kind(warc_dir: Path, run_id: int) -> Counter[str]:
    """Responses of one run by the kind the crawler gave them (robots.txt counted apart)."""
    from warcio.archiveiterator import ArchiveIterator

    kinds: Counter[str] = Counter()
    for path in sorted(warc_dir.glob(f"{run_id}-*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                kind = record.rec_headers.get_header("Reformnews-Kind") or ("robots" if uri.endswith("/robots.txt") else "other")
                kinds["feed/sitemap" if kind in ("feed", "sitemap") else kind] += 1
    return kinds


def crawl(db: Path, snapshot_dir: Path) -> tuple[int, Counter[str], float]:
    """Crawl the snapshot's registry sites into ``db``: (requests, by kind, seconds)."""
    from scrapers.middlewares.warc import warc_dir_for
    from spiders.run import run_crawl

    began = time.monotonic()
    summary = run_crawl(db, snapshot_dir=snapshot_dir, progress=False)
    if not summary.ok:
        raise SystemExit(f"crawl failed: {summary}")
    return summary.counts["requests"], requests_by_kind(warc_dir_for(db), summary.run_id), time.monotonic() - began


def site_categories(sites: list[str]) -> int:
    """Listings of the crawled registry sites (one listing request each is the target's allowance)."""
    from scrapers.registry import load_registry

    registry = load_registry()
    return sum(len(registry[s].listings) for s in sites)


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new-per-site", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="reformnews-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        before, after = work / "snapshot-before", work / "snapshot-after"
        build_snapshot(before)
        build_with_new(after, args.new_per_site)
        old, new = registered_urls(before), registered_urls(after)
        added = sum(len(new[s] - old.get(s, set())) for s in new)
        lost = sum(len(old[s] - new.get(s, set())) for s in old)
        categories = site_categories(sorted(new))

        first_total, _, first_s = crawl(work / "incremental" / "archive.db", before)
        inc_total, inc_kinds, inc_s = crawl(work / "incremental" / "archive.db", after)
        full_total, full_kinds, full_s = crawl(work / "full" / "archive.db", after)

        import sqlite_utils

        archived = {r["url"] for r in sqlite_utils.Database(work / "incremental" / "archive.db").query("select url from articles")}
        missing = sum(len(urls - archived) for urls in new.values())
        print(f"sites {len(new)}, site-categories {categories}, new articles {added} (old URLs changed: {lost})")
        print(f"first crawl:        {first_total} requests in {first_s:.1f}s")
        print(f"incremental crawl:  {inc_total} requests in {inc_s:.1f}s  {dict(sorted(inc_kinds.items()))}")
        print(f"full re-crawl:      {full_total} requests in {full_s:.1f}s  {dict(sorted(full_kinds.items()))}")
        per_new = (inc_total - categories) / added
        pages_per_new = (inc_total - inc_kinds["image"] - categories) / added
        articles_per_new = inc_kinds["article"] / added
        print(f"incremental: {per_new:.3f} requests per new article beyond one listing request per site-category; "
              f"{pages_per_new:.3f} without the new articles' images ({inc_kinds['image']}, each fetched once) "
              f"(article fetches alone {articles_per_new:.3f}; robots.txt {inc_kinds['robots']}, "
              f"feeds/sitemaps {inc_kinds['feed/sitemap']}, listings {inc_kinds['listing']})")
        print(f"full re-crawl: {full_total / added:.2f} requests per new article; "
              f"{full_total / max(inc_total, 1):.1f}x the incremental crawl")
        print(f"new articles missing after the incremental crawl: {missing}")
        return 0 if missing == 0 else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
