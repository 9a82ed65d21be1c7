"""The archive schema, as sqlite-utils migrations: add a new migration, never edit an applied one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("reformnews")

# Full-text search: the text as stored plus a folded copy (đ→d, no tone marks), because the
# unicode61 tokenizer strips tone marks but cannot fold đ ("da nang" must find "Đà Nẵng").
# The FTS rowid is the article's rowid; the store writes the rows (folding needs Python),
# a trigger removes them when an article is deleted by anything.
FTS_SQL = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, title_folded, body_folded,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.rowid;
END;
"""


@migrations()
def m001_initial(db: Database) -> None:
    """Sites, listings, articles (with versions and duplicate URLs), crawl runs and errors."""
    db["archive_meta"].create({"key": str, "value": str}, pk="key")
    db["sites"].create(
        {
            "slug": str, "name": str, "agency": str, "province": str, "province_2025": str,
            "family": str, "base_url": str, "active": int,
        },
        pk="slug",
    )
    db["listings"].create(
        {"site": str, "url": str, "category": str, "reform": int},
        pk=("site", "url"),
        foreign_keys=[("site", "sites", "slug")],
    )
    db["articles"].create(
        {
            "id": str, "url": str, "canonical_url": str, "site": str, "title": str,
            "published_at": str, "updated_at": str, "year": int, "author": str, "source": str,
            "category": str, "breadcrumb": str, "body": str, "body_html": str, "images": str,
            "attachments": str, "language": str, "word_count": int, "method": str,
            "reform": int, "found_on": str, "content_hash": str, "http_status": int,
            "fetched_at": str, "first_seen": str, "last_seen": str,
        },
        pk="id",
        not_null={"url", "site", "title", "body", "content_hash"},
        defaults={"reform": 0, "word_count": 0},
        foreign_keys=[("site", "sites", "slug")],
    )
    db["article_versions"].create(
        {
            "id": int, "article_id": str, "content_hash": str, "title": str, "body": str,
            "published_at": str, "updated_at": str, "fetched_at": str, "replaced_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_aliases"].create(
        {"url": str, "site": str, "article_id": str, "first_seen": str, "last_seen": str},
        pk="url",
        foreign_keys=[("article_id", "articles", "id"), ("site", "sites", "slug")],
    )
    db["crawl_runs"].create(
        {
            "id": int, "started_at": str, "finished_at": str, "status": str, "spider": str,
            "sites": str, "requests": int, "new": int, "updated": int, "unchanged": int,
            "duplicates": int, "errors": int, "bytes": int, "note": str,
        },
        pk="id",
    )
    db["crawl_run_sites"].create(
        {
            "run_id": int, "site": str, "new": int, "updated": int, "unchanged": int,
            "duplicates": int, "errors": int,
        },
        pk=("run_id", "site"),
        foreign_keys=[("run_id", "crawl_runs", "id"), ("site", "sites", "slug")],
    )
    db["crawl_errors"].create(
        {
            "id": int, "run_id": int, "url": str, "site": str, "reason": str,
            "http_status": int, "kind": str, "at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db.executescript(FTS_SQL)
    for table, columns in [
        ("articles", ["site"]),
        ("articles", ["published_at"]),
        ("articles", ["site", "content_hash"]),
        ("articles", ["url"]),
        ("articles", ["reform", "published_at"]),
        ("articles", ["year"]),
        ("article_versions", ["article_id"]),
        ("article_aliases", ["article_id"]),
        ("crawl_errors", ["run_id"]),
        ("crawl_errors", ["site"]),
        ("crawl_run_sites", ["site"]),
    ]:
        db[table].create_index(columns)


def apply(db: Database) -> None:
    """Bring ``db`` up to the current schema (safe to call on every open)."""
    migrations.apply(db)
