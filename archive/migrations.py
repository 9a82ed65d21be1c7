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


# Province denormalised into articles (for facets and export), kept right by triggers so no
# writer has to know: an article takes its site's provinces; a site's new provinces reach its
# articles. The WHEN clauses keep a registry sync (which rewrites every site row) cheap.
_PROVINCE_OF_SITE = """
    province = (SELECT nullif(s.province, '') FROM sites s WHERE s.slug = new.site),
    province_2025 = (SELECT nullif(s.province_2025, '') FROM sites s WHERE s.slug = new.site)
"""
PROVINCE_SQL = f"""
CREATE TRIGGER articles_province_insert AFTER INSERT ON articles BEGIN
    UPDATE articles SET {_PROVINCE_OF_SITE} WHERE rowid = new.rowid;
END;
CREATE TRIGGER articles_province_site AFTER UPDATE OF site ON articles
WHEN old.site IS NOT new.site BEGIN
    UPDATE articles SET {_PROVINCE_OF_SITE} WHERE rowid = new.rowid;
END;
CREATE TRIGGER sites_province_insert AFTER INSERT ON sites BEGIN
    UPDATE articles SET province = nullif(new.province, ''), province_2025 = nullif(new.province_2025, '')
    WHERE site = new.slug;
END;
CREATE TRIGGER sites_province_update AFTER UPDATE OF province, province_2025 ON sites
WHEN old.province IS NOT new.province OR old.province_2025 IS NOT new.province_2025 BEGIN
    UPDATE articles SET province = nullif(new.province, ''), province_2025 = nullif(new.province_2025, '')
    WHERE site = new.slug;
END;
"""


@migrations()
def m002_article_province(db: Database) -> None:
    """Articles carry their site's province (before and after the 2025 merger), for facets and export."""
    db["articles"].add_column("province", str)
    db["articles"].add_column("province_2025", str)
    db.execute(
        "UPDATE articles SET "
        "province = (SELECT nullif(s.province, '') FROM sites s WHERE s.slug = articles.site), "
        "province_2025 = (SELECT nullif(s.province_2025, '') FROM sites s WHERE s.slug = articles.site)"
    )
    db.executescript(PROVINCE_SQL)
    db["articles"].create_index(["province", "published_at"])
    db["articles"].create_index(["province_2025"])


@migrations()
def m003_stories_revisions_gone(db: Database) -> None:
    """Stories grouping copies of one text, LSH band keys, body hashes, gone pages, kept history."""
    db["stories"].create(
        {
            "id": int, "canonical_article_id": str, "title": str, "published_at": str,
            "copies": int, "sites": int, "created_at": str, "updated_at": str,
        },
        pk="id",
    )
    for column, kind in [("story_id", int), ("story_match", str), ("story_score", float),
                         ("body_hash", str), ("gone_at", str), ("near_indexed", int)]:
        db["articles"].add_column(column, kind)
    # Every article present before stories existed starts as a story of its own; the store
    # matches these against each other (and fills body_hash) the next time it opens for writing.
    db.execute(
        "insert into stories (id, canonical_article_id, title, published_at, copies, sites, created_at, updated_at) "
        "select rowid, id, title, published_at, 1, 1, first_seen, first_seen from articles"
    )
    db.execute("update articles set story_id = rowid, story_match = 'first', near_indexed = 0")
    db.execute(
        "CREATE TABLE minhash_bands (key INTEGER NOT NULL, article_id TEXT NOT NULL, "
        "PRIMARY KEY (key, article_id)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX idx_articles_near_pending ON articles (published_at) WHERE near_indexed = 0")
    db["articles"].create_index(["story_id"])
    db["articles"].create_index(["body_hash"])
    db["stories"].create_index(["published_at"])
    # History is kept: revisions can be added, never changed or removed.
    db.executescript(
        """
        CREATE TRIGGER article_versions_no_update BEFORE UPDATE ON article_versions BEGIN
            SELECT RAISE(ABORT, 'article_versions is history: revisions are never rewritten');
        END;
        CREATE TRIGGER article_versions_no_delete BEFORE DELETE ON article_versions BEGIN
            SELECT RAISE(ABORT, 'article_versions is history: revisions are never deleted');
        END;
        """
    )


@migrations()
def m004_crawl_state_relevance_warc(db: Database) -> None:
    """Incremental crawl state (frontier, per-URL validators), reform relevance, WARC pointers, per-site run figures."""
    db["frontier"].create(
        {
            "url": str, "site": str, "found_on": str, "category": str, "reform": int, "kind": str,
            "discovered_at": str, "run_id": int, "attempts": int,
        },
        pk="url",
        defaults={"reform": 0, "attempts": 0, "kind": "article"},
    )
    db["frontier"].create_index(["site"])
    db["fetch_state"].create(
        {
            "url": str, "site": str, "kind": str, "listing_key": str, "etag": str, "last_modified": str,
            "walk_complete": int, "http_status": int, "checked_at": str,
        },
        pk="url",
        defaults={"walk_complete": 0},
    )
    db["fetch_state"].create_index(["site", "kind"])
    db["fetch_state"].create_index(["listing_key"])
    for column, kind in [("relevance", float), ("warc_file", str), ("warc_offset", int), ("warc_length", int)]:
        db["articles"].add_column(column, kind)
    db["articles"].create_index(["relevance"])
    db["articles"].create_index(["site", "last_seen"])
    for column, kind in [("requests", int), ("responses", int), ("bytes", int), ("links", int), ("not_modified", int), ("status", str),
                         ("note", str)]:
        db["crawl_run_sites"].add_column(column, kind)
    db["crawl_runs"].add_column("exit_code", int)
    from scrapers.relevance import relevance_score

    rows = list(db.query("select rowid, title, body from articles"))
    for row in rows:
        db.execute("update articles set relevance = ? where rowid = ?",
                   [relevance_score(row["title"], row["body"]), row["rowid"]])


def apply(db: Database) -> None:
    """Bring ``db`` up to the current schema (safe to call on every open)."""
    migrations.apply(db)


# Attached documents (PDF, DOC, DOCX, XLSX, XLS; ODS recorded): one row per file (same bytes
# linked from many articles or URLs stored once, keyed by sha256, else by URL), a link table,
# and full-text search over the text as stored plus a folded copy (written by archive/attachments.py).
ATTACHMENTS_FTS_SQL = """
CREATE VIRTUAL TABLE attachments_fts USING fts5(
    title, text, title_folded, text_folded,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER attachments_fts_delete AFTER DELETE ON attachments BEGIN
    DELETE FROM attachments_fts WHERE rowid = old.id;
END;
"""


@migrations()
def m005_attachments(db: Database) -> None:
    """Attached documents with their text and official-document fields, linked to articles, searchable."""
    db["attachments"].create(
        {
            "id": int, "url": str, "sha256": str, "article_id": str, "name": str, "type": str,
            "content_type": str, "size": int, "pages": int, "text": str, "word_count": int,
            "agency": str, "number": str, "place": str, "doc_date": str, "doc_type": str, "title": str,
            "signer": str, "signer_position": str, "recipients": str, "status": str, "reason": str,
            "extractor": str, "http_status": int, "fetched_at": str, "first_seen": str,
            "warc_file": str, "warc_offset": int, "warc_length": int,
        },
        pk="id",
        not_null={"url", "status"},
        defaults={"word_count": 0, "recipients": "[]"},
    )
    db.execute("CREATE UNIQUE INDEX idx_attachments_url ON attachments (url)")
    db.execute("CREATE UNIQUE INDEX idx_attachments_sha256 ON attachments (sha256) WHERE sha256 IS NOT NULL")
    db["attachments"].create_index(["status"])
    db["attachments"].create_index(["doc_type", "doc_date"])
    db["article_attachments"].create(
        {"article_id": str, "attachment_id": int, "url": str, "name": str, "type": str, "first_seen": str},
        pk=("article_id", "url"),
        foreign_keys=[("article_id", "articles", "id"), ("attachment_id", "attachments", "id")],
    )
    db["article_attachments"].create_index(["attachment_id"])
    db["article_attachments"].create_index(["url"])
    db.executescript(ATTACHMENTS_FTS_SQL)


@migrations()
def m006_band_keys_by_rowid(db: Database) -> None:
    """LSH band keys point at the article's rowid (an integer, as the full-text index does) instead
    of its text id: a smaller table and cheaper lookups; a small table takes new keys first. The
    keys themselves are unchanged (the scheme in archive_meta stays valid)."""
    db.execute(
        "CREATE TABLE minhash_bands_new (key INTEGER NOT NULL, article INTEGER NOT NULL, "
        "PRIMARY KEY (key, article)) WITHOUT ROWID"
    )
    db.execute(
        "INSERT OR IGNORE INTO minhash_bands_new (key, article) "
        "SELECT b.key, a.rowid FROM minhash_bands b JOIN articles a ON a.id = b.article_id ORDER BY 1, 2"
    )
    db.execute("DROP TABLE minhash_bands")
    db.execute("ALTER TABLE minhash_bands_new RENAME TO minhash_bands")
    # New keys land in a small table first, merged into the large one in key order when full
    # (archive.neardup.BandIndex): random keys inserted straight into a large B-tree cost a page each.
    db.execute(
        "CREATE TABLE minhash_bands_recent (key INTEGER NOT NULL, article INTEGER NOT NULL, "
        "PRIMARY KEY (key, article)) WITHOUT ROWID"
    )


@migrations()
def m007_province_trigger_when_needed(db: Database) -> None:
    """The province insert trigger rewrites a new article only when the insert did not already
    give it its site's provinces (``Archive.add_batch`` does): an article row is written once."""
    db.executescript(
        f"""
        DROP TRIGGER IF EXISTS articles_province_insert;
        CREATE TRIGGER articles_province_insert AFTER INSERT ON articles
        WHEN new.province IS NOT (SELECT nullif(s.province, '') FROM sites s WHERE s.slug = new.site)
          OR new.province_2025 IS NOT (SELECT nullif(s.province_2025, '') FROM sites s WHERE s.slug = new.site)
        BEGIN
            UPDATE articles SET {_PROVINCE_OF_SITE} WHERE rowid = new.rowid;
        END;
        """
    )


@migrations()
def m008_story_merges(db: Database) -> None:
    """Stories merged into another when a later copy showed they are one text: the old story id
    still leads to its copies."""
    db.execute(
        "CREATE TABLE story_merges (story_id INTEGER PRIMARY KEY, merged_into INTEGER NOT NULL, "
        "merged_at TEXT NOT NULL, article_id TEXT)"
    )
    db.execute("CREATE INDEX idx_story_merges_into ON story_merges (merged_into)")


@migrations()
def m009_images(db: Database) -> None:
    """Article images kept in the archive: each file once per sha256 (bytes, verified type and size),
    and what each article's image URL gave (the kept file, or why none was kept)."""
    db.execute(
        "CREATE TABLE images (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL, mime TEXT NOT NULL, "
        "width INTEGER, height INTEGER, bytes INTEGER NOT NULL, first_url TEXT, fetched_at TEXT)"
    )
    db.execute(
        "CREATE TABLE article_images (article_id TEXT NOT NULL REFERENCES articles(id), "
        "position INTEGER NOT NULL, url TEXT NOT NULL, sha256 TEXT REFERENCES images(sha256), "
        "status TEXT NOT NULL, reason TEXT, http_status INTEGER, fetched_at TEXT, "
        "PRIMARY KEY (article_id, position))"
    )
    db.execute("CREATE INDEX idx_article_images_url ON article_images (url)")
    db.execute("CREATE INDEX idx_article_images_sha256 ON article_images (sha256)")


@migrations()
def m010_attachment_structure(db: Database) -> None:
    """The outline of each attached document (Chương, Mục, Điều, khoản, điểm; I., 1., a) sections) as a
    JSON list with offsets into its text; filled at once for the documents already stored."""
    import json

    from scrapers.documents.structure import outline_dicts

    db.execute("ALTER TABLE attachments ADD COLUMN structure TEXT DEFAULT '[]'")
    rows = db.execute("SELECT id, text FROM attachments WHERE text <> '' AND type IN ('pdf', 'docx', 'doc')").fetchall()
    for attachment_id, text in rows:
        outline = json.dumps(outline_dicts(text), ensure_ascii=False, separators=(",", ":"))
        db.execute("UPDATE attachments SET structure = ? WHERE id = ?", [outline, attachment_id])


@migrations()
def m011_robots_cache(db: Database) -> None:
    """Each site's robots.txt as last fetched (status, body, validators), so a crawl within
    ROBOTSTXT_CACHE_HOURS reuses it and a later one revalidates it conditionally."""
    db.execute(
        "CREATE TABLE robots_cache (url TEXT PRIMARY KEY, http_status INTEGER NOT NULL, body BLOB NOT NULL, "
        "etag TEXT, last_modified TEXT, fetched_at TEXT NOT NULL, checked_at TEXT NOT NULL)"
    )



# Search in publication order: the search index's rowid is the article's search key
# (archive/search_order.py: publication time × 2**30 + rowid; undated = rowid, oldest), so
# `articles_fts MATCH ? ORDER BY rowid DESC LIMIT n` walks newest published first and stops early.
# The key is computed by triggers, so no writer has to know it: on insert (unless the insert
# already wrote it, as Archive.add_batch does: the row is written once), when published_at
# changes, and a changed key moves the article's search row.
def _search_order_sql() -> str:
    from archive.search_order import key_sql

    new_key = key_sql("new.published_at", "new.rowid")
    return f"""
DROP TRIGGER IF EXISTS articles_fts_delete;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.search_key;
END;
CREATE TRIGGER articles_search_key_insert AFTER INSERT ON articles
WHEN new.search_key IS NOT {new_key} BEGIN
    UPDATE articles SET search_key = {new_key} WHERE rowid = new.rowid;
END;
CREATE TRIGGER articles_search_key_update AFTER UPDATE OF published_at, search_key ON articles
WHEN new.search_key IS NOT {new_key} BEGIN
    UPDATE articles SET search_key = {new_key} WHERE rowid = new.rowid;
END;
CREATE TRIGGER articles_fts_move AFTER UPDATE OF search_key ON articles
WHEN old.search_key IS NOT new.search_key BEGIN
    UPDATE articles_fts SET rowid = new.search_key WHERE rowid = old.search_key;
END;
"""


@migrations()
def m012_search_in_publication_order(db: Database) -> None:
    """The search index walks in publication order: every article gets its unique search key
    (publication time, then rowid) and the index is rebuilt with those keys as its rowids (the
    text and folded text it holds are copied, in key order; nothing is re-folded)."""
    from archive.search_order import key_sql

    db.execute("DROP TRIGGER IF EXISTS articles_fts_delete")
    db.execute("ALTER TABLE articles ADD COLUMN search_key INTEGER")
    db.execute(f"UPDATE articles SET search_key = {key_sql('published_at', 'rowid')}")
    db.execute("CREATE UNIQUE INDEX idx_articles_search_key ON articles (search_key)")
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts_keyed USING fts5(title, body, title_folded, body_folded, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute(
        "INSERT INTO articles_fts_keyed (rowid, title, body, title_folded, body_folded) "
        "SELECT a.search_key, f.title, f.body, f.title_folded, f.body_folded "
        "FROM articles_fts f JOIN articles a ON a.rowid = f.rowid ORDER BY a.search_key"
    )
    db.execute("DROP TABLE articles_fts")
    db.execute("ALTER TABLE articles_fts_keyed RENAME TO articles_fts")
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    db.executescript(_search_order_sql())
