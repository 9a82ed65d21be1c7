"""Rebuild articles from the WARC files with the current extractors, never touching the network."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.store import Archive
from types import SimpleNamespace
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from pipelines.drops import DuplicateArticle
from scrapers.extract import looks_like_article

_NAME = re.compile(r"^(?P<run>[^-]+)-(?P<n>\d+)\.warc\.gz$")
PAGE_KINDS = ("article", "page")
# Item pipelines of the crawl that reextract leaves out: it stores itself, and fetches nothing.
NOT_REPLAYED = {"ArchivePipeline", "AttachmentsPipeline", "ImagesPipeline"}


@dataclass
class StoredPage:
    """A response record of an article (or generic-crawl) page, with what the crawl knew about it."""

    url: str
    warc_file: str
    offset: int
    length: int
    site: str
    kind: str
    family: str
    found_on: str
    category: str
    reform: bool
    fetched_at: str


def warc_files(directory: Path) -> list[Path]:
    """The WARC files of a directory in crawl order (run, then rotation number)."""
    def order(path: Path) -> tuple[int, str, int]:
        match = _NAME.match(path.name)
        if not match:
            return (1, path.name, 0)
        run = match.group("run")
        return (0, run.zfill(12) if run.isdigit() else run, int(match.group("n")))

    return sorted(directory.glob("*.warc.gz"), key=order)


def stored_pages(directory: Path, site: str | None = None) -> Iterator[StoredPage]:
    """The latest 200 response of every article page in the WARCs (of ``site`` only, when given)."""
    latest: dict[str, StoredPage] = {}
    for path in warc_files(directory):
        with path.open("rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                if record.rec_type != "response":
                    continue
                headers = record.rec_headers
                kind = headers.get_header("Reformnews-Kind") or ""
                if kind not in PAGE_KINDS or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                slug = headers.get_header("Reformnews-Site") or ""
                if site and slug != site:
                    continue
                url = headers.get_header("WARC-Target-URI")
                offset = records.get_record_offset()
                record.content_stream().read()  # let the iterator measure the record
                latest[url] = StoredPage(
                    url=url, warc_file=path.name, offset=offset, length=records.get_record_length(), site=slug,
                    kind=kind, family=headers.get_header("Reformnews-Family") or "",
                    found_on=headers.get_header("Reformnews-Found-On") or "",
                    category=headers.get_header("Reformnews-Category") or "",
                    reform=headers.get_header("Reformnews-Reform") == "1",
                    fetched_at=headers.get_header("WARC-Date") or "",
                )
    yield from latest.values()


def read_page(directory: Path, page: StoredPage) -> tuple[bytes, dict[str, str]]:
    """The decoded body and HTTP headers of a stored response."""
    with (directory / page.warc_file).open("rb") as handle:
        handle.seek(page.offset)
        record = next(iter(ArchiveIterator(handle)))
        body = record.content_stream().read()
        headers = {k: v for k, v in record.http_headers.headers} if record.http_headers else {}
    return body, headers


def item_pipelines(db_path: Path | str) -> list[Any]:
    """The crawl's item pipelines up to the store, in order, set up as a first crawl would be (nothing primed)."""
    settings = Settings()
    settings.setmodule("scrapers.settings.base", priority="project")
    settings.set("ARCHIVE_DB", str(db_path))
    settings.set("TEMPLATE_PRIME_PAGES", 0)  # learn from the WARC pages in crawl order, not from stored bodies
    crawler = SimpleNamespace(settings=settings)
    chain = []
    for path, _ in sorted(settings.getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1] or 0):
        if path.rsplit(".", 1)[-1] in NOT_REPLAYED:
            continue
        cls = load_object(path)
        chain.append(cls.from_crawler(crawler) if hasattr(cls, "from_crawler") else cls())
    return chain


def reextract(db_path: Path | str, warc_dir: Path | str, site: str | None = None) -> Counter[str]:
    """Rebuild every article of the WARCs (of ``site``) into the archive; returns the outcome counts."""
    from spiders.base import article_from_page

    warc_dir = Path(warc_dir)
    outcomes: Counter[str] = Counter()
    chain = item_pipelines(db_path)
    with Archive(db_path) as archive:
        for page in stored_pages(warc_dir, site):
            body, headers = read_page(warc_dir, page)
            if not looks_like_article(body, page.url):
                outcomes["not_an_article"] += 1
                continue
            article = article_from_page(body, page.url, headers, site=page.site, family=page.family or None,
                                        found_on=page.found_on, category=page.category, reform=page.reform)
            article.fetched_at = page.fetched_at or None
            article.warc = {"file": page.warc_file, "offset": page.offset, "length": page.length}
            try:
                item: Any = article
                for pipeline in chain:
                    item = pipeline.process_item(item)
            except DuplicateArticle:
                outcomes["duplicates"] += 1
                continue
            except DropItem:  # failed extraction, no title, empty body: counted, not fatal
                outcomes["failed"] += 1
                continue
            archive.ensure_site(page.site, page.url)  # a generic-crawl site the registry does not list
            outcome = archive.upsert_article(item)  # with its WARC pointer, in one transaction
            outcomes["duplicates" if outcome == "duplicate" else outcome] += 1
    return outcomes
