"""The archive: every write to the SQLite database goes through :class:`Archive`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive import migrations
from archive.clock import now_iso, to_vn_iso
from archive.keys import article_id, content_hash
from archive.reform import names_reform, under_listing
from archive.crawlstate import CrawlStateMixin
from archive.runs import RunsMixin
from archive.stories import StoriesMixin
from scrapers.extract.text import fold
from scrapers.items import Article, CrawlError
from scrapers.registry import Site
from scrapers.relevance import relevance_score
from scrapers.urls import canonical_url, identity_url

# Article fields compared to decide between "unchanged" and "updated".
_COMPARED = (
    "canonical_url", "title", "published_at", "updated_at", "author", "source",
    "category", "breadcrumb", "body", "body_html", "images", "attachments", "language", "method",
)


def open_database(db: Database | str | Path) -> Database:
    """A sqlite-utils Database for a path (WAL, parent directory created) or an existing one."""
    if isinstance(db, Database):
        return db
    path = Path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    database = Database(path)
    database.execute("PRAGMA busy_timeout = 10000")
    database.enable_wal()
    database.execute("PRAGMA synchronous = NORMAL")
    return database


def article_row(article: Article, *, reform: bool) -> dict[str, Any]:
    """The `articles` row of an Article (without the first_seen/last_seen bookkeeping)."""
    canonical = identity_url(article.url, article.canonical_url)
    published = to_vn_iso(article.published_at)
    return {
        "id": article_id(canonical),
        "url": article.url,
        "canonical_url": canonical,
        "site": article.site,
        "title": article.title,
        "published_at": published,
        "updated_at": to_vn_iso(article.updated_at),
        "year": int(published[:4]) if published else None,
        "author": article.author,
        "source": article.source,
        "category": article.category,
        "breadcrumb": json.dumps(list(article.breadcrumb), ensure_ascii=False),
        "body": article.body,
        "body_html": article.body_html,
        "images": json.dumps([_plain(i) for i in article.images], ensure_ascii=False),
        "attachments": json.dumps([_plain(a) for a in article.attachments], ensure_ascii=False),
        "language": article.language,
        "word_count": article.word_count,
        "method": article.method,
        "reform": int(reform),
        "relevance": relevance_score(article.title, article.body),
        "found_on": article.found_on,
        "content_hash": content_hash(article.title, article.body),
        "http_status": article.http_status,
        "fetched_at": to_vn_iso(article.fetched_at) or now_iso(),
    }


def _plain(value: Any) -> Any:
    return value if isinstance(value, dict) else asdict(value)


class Archive(StoriesMixin, RunsMixin, CrawlStateMixin):
    """The reformnews SQLite archive (migrations are applied on open)."""

    def __init__(self, db: Database | str | Path) -> None:
        self.db = open_database(db)
        migrations.apply(self.db)
        self._reform_listings: dict[str, list[str]] | None = None

    def close(self) -> None:
        """Checkpoint the write-ahead log into the database file and close the connection."""
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except Exception:  # noqa: BLE001 - a reader holding the WAL open only delays the checkpoint
            pass
        self.db.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- metadata -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A value of the `archive_meta` table."""
        rows = list(self.db.query("select value from archive_meta where key = ?", [key]))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the `archive_meta` table."""
        self.db.execute(
            "insert into archive_meta (key, value) values (?, ?) "
            "on conflict(key) do update set value = excluded.value",
            [key, value],
        )

    # --- sites ----------------------------------------------------------------------------
    def sync_sites(self, sites: Iterable[Site]) -> None:
        """Write the registry's sites and listings (sites no longer listed are kept)."""
        with self.db.atomic():
            for site in sites:
                self.db.execute(
                    "insert into sites (slug, name, agency, province, province_2025, family, base_url, active) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(slug) do update set "
                    "name = excluded.name, agency = excluded.agency, province = excluded.province, "
                    "province_2025 = excluded.province_2025, family = excluded.family, "
                    "base_url = excluded.base_url, active = excluded.active",
                    [site.slug, site.name, site.agency, site.province, site.province_2025,
                     site.family, site.base_url, int(site.active)],
                )
                self.db.execute("delete from listings where site = ?", [site.slug])
                for listing in site.listings:
                    self.db.execute(
                        "insert or replace into listings (site, url, category, reform) values (?, ?, ?, ?)",
                        [site.slug, listing.url, listing.category, int(listing.reform)],
                    )
        self._reform_listings = None

    def ensure_site(self, slug: str, url: str) -> None:
        """Add a minimal `sites` row for a site crawled by URL that the registry does not list."""
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.db.execute(
            "insert into sites (slug, name, agency, province, province_2025, family, base_url, active) "
            "values (?, ?, '', '', '', 'generic', ?, 1) on conflict(slug) do nothing",
            [slug, parts.hostname or slug, f"{parts.scheme}://{parts.netloc}/"],
        )

    def _is_reform(self, article: Article) -> bool:
        if getattr(article, "reform", False):
            return True
        if self._reform_listings is None:
            self._reform_listings = {}
            for row in self.db.query("select site, url from listings where reform = 1"):
                self._reform_listings.setdefault(row["site"], []).append(row["url"])
        if under_listing(article.found_on, self._reform_listings.get(article.site, [])):
            return True
        return names_reform([article.category, *article.breadcrumb])

    # --- articles -------------------------------------------------------------------------
    def upsert_article(self, article: Article) -> str:
        """Store ``article``: "new", "updated", "unchanged" or "duplicate" (of another URL of its site).

        The article's WARC pointer (``article.warc``: the response record its text came from) is
        written in the same transaction as the row, so a crawl killed at any moment never leaves a
        stored article without its pointer (the pointer used to follow in a later statement).
        """
        if article.status != "ok":
            raise ValueError(f"refusing to store a failed article: {article.url} ({article.failure})")
        if not article.site:
            raise ValueError(f"article without a site: {article.url}")
        row = article_row(article, reform=self._is_reform(article))
        now = now_iso()
        self._index_pending_once()
        with self.db.atomic():
            outcome = self._store_row(row, article.url, now)
            # In the same transaction: no moment where the row exists without its pointer. A duplicate
            # (same text on another URL of the site) keeps the pointer of the page its text came from.
            if article.warc and outcome != "duplicate":
                self.set_article_warc(article.url, article.warc["file"], int(article.warc["offset"]),
                                      int(article.warc["length"]))
        return outcome

    def _store_row(self, row: dict[str, Any], url: str, now: str) -> str:
        """Insert or update one article row (inside the caller's transaction); the upsert outcome."""
        old = self._existing(row, url)
        if old is not None:
            row["id"], row["canonical_url"] = old["id"], old["canonical_url"]
            return self._update_existing(old, row, now)
        twin = self._one(
            "select id from articles where site = ? and content_hash = ?",
            [row["site"], row["content_hash"]],
        )
        if twin is not None:
            self._note_alias(row["url"], row["site"], twin["id"], now)
            return "duplicate"
        row.update(first_seen=now, last_seen=now)
        self.add_batch([row])  # written once, already in its story; sets row["rowid"] and row["search_key"]
        self._index(self._search_key(row["rowid"]), row)
        return "new"

    def _existing(self, row: dict[str, Any], url: str) -> dict[str, Any] | None:
        """The stored article this row is: by id, else by its page URL (rows keyed before URLs
        were canonicalised, or a page whose rel=canonical changed)."""
        old = self._one("select rowid, * from articles where id = ?", [row["id"]])
        if old is not None:
            return old
        urls = list(dict.fromkeys([url, row["url"], row["canonical_url"]]))
        marks = ", ".join("?" for _ in urls)
        return self._one(f"select rowid, * from articles where site = ? and (url in ({marks}) "
                         f"or canonical_url in ({marks})) limit 1", [row["site"], *urls, *urls])

    def _update_existing(self, old: dict[str, Any], row: dict[str, Any], now: str) -> str:
        reform = max(int(old["reform"] or 0), row["reform"])
        if all(old[k] == row[k] for k in _COMPARED) and old["content_hash"] == row["content_hash"]:
            if row["url"] != old["url"]:
                self._note_alias(row["url"], row["site"], old["id"], now)
            self.db.execute(
                "update articles set last_seen = ?, reform = ?, gone_at = null, relevance = ?, "
                "found_on = coalesce(nullif(found_on, ''), ?) where id = ?",
                [now, reform, row["relevance"], row["found_on"], row["id"]],
            )
            return "unchanged"
        if old["content_hash"] != row["content_hash"]:
            self.db.execute(
                "insert into article_versions (article_id, content_hash, title, body, published_at, "
                "updated_at, fetched_at, replaced_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [old["id"], old["content_hash"], old["title"], old["body"], old["published_at"],
                 old["updated_at"], old["fetched_at"], now],
            )
        if row["url"] != old["url"]:  # the same canonical article reached by another URL
            self._note_alias(row["url"], row["site"], old["id"], now)
        row = {**row, "url": old["url"], "reform": reform, "last_seen": now, "gone_at": None}
        row["found_on"] = old["found_on"] or row["found_on"]
        assignments = ", ".join(f"{k} = ?" for k in row if k != "id")
        values = [v for k, v in row.items() if k != "id"]
        # A new date gives a new search key: the triggers move the search row to it; it is then rewritten.
        self.db.execute(f"update articles set {assignments} where id = ?", [*values, row["id"]])
        key = self._search_key(old["rowid"])
        self.db.execute("delete from articles_fts where rowid = ?", [key])
        self._index(key, row)
        if old["content_hash"] != row["content_hash"]:
            self.reindex_revision(old["id"], old["body"], row["body"])
        return "updated"

    def _search_key(self, rowid: int) -> int:
        """The article's search key as stored (set by the insert or by the triggers)."""
        return int(self.db.execute("select search_key from articles where rowid = ?", [rowid]).fetchone()[0])

    def _index(self, key: int, row: dict[str, Any]) -> None:
        """Write the article's search row (its text and folded text) under its search key."""
        self.db.execute(
            "insert into articles_fts (rowid, title, body, title_folded, body_folded) values (?, ?, ?, ?, ?)",
            [key, row["title"], row["body"], fold(row["title"]), fold(row["body"])],
        )

    def _note_alias(self, url: str, site: str, target: str, now: str) -> None:
        self.db.execute(
            "insert into article_aliases (url, site, article_id, first_seen, last_seen) values (?, ?, ?, ?, ?) "
            "on conflict(url) do update set article_id = excluded.article_id, last_seen = excluded.last_seen",
            [url, site, target, now, now],
        )
        self.db.execute("update articles set last_seen = ? where id = ?", [now, target])

    def note_duplicate(self, url: str, site: str, original_url: str) -> None:
        """Remember that ``url`` shows the same article as ``original_url`` (a dedupe drop)."""
        canonical = canonical_url(original_url)
        target = self._one(
            "select id from articles where canonical_url in (?, ?) or url = ? limit 1",
            [canonical, original_url, original_url],
        )
        if target is not None and url != original_url:
            with self.db.atomic():
                self._note_alias(url, site, target["id"], now_iso())

    def record_error(self, run_id: int | None, error: CrawlError) -> None:
        """Write a crawl error; a 404 or 410 of an archived article marks it gone (never deleted)."""
        super().record_error(run_id, error)
        if error.http_status in (404, 410):
            self.mark_gone(error.url)

    def mark_gone(self, url: str, when: str | None = None) -> str | None:
        """Mark the article at ``url`` (any spelling of it) gone since ``when``; return its id."""
        urls = list(dict.fromkeys([url, canonical_url(url)]))
        marks = ", ".join("?" for _ in urls)
        target = self._one(
            f"select id from articles where url in ({marks}) or canonical_url in ({marks}) "
            f"union select article_id as id from article_aliases where url in ({marks}) limit 1",
            [*urls, *urls, *urls],
        )
        if target is None:
            return None
        self.db.execute("update articles set gone_at = coalesce(gone_at, ?) where id = ?",
                        [when or now_iso(), target["id"]])
        return target["id"]

    def rebuild_search(self) -> None:
        """Rebuild the full-text index from the articles table."""
        with self.db.atomic():
            self.db.execute("delete from articles_fts")
            for row in self.db.query("select search_key, title, body from articles order by search_key"):
                self._index(row["search_key"], row)

    def known_urls(self, site: str) -> set[str]:
        """Every URL of ``site`` already archived (article URLs, canonical URLs, duplicate URLs)."""
        urls: set[str] = set()
        for row in self.db.query("select url, canonical_url from articles where site = ?", [site]):
            urls.update(u for u in (row["url"], row["canonical_url"]) if u)
        urls.update(r["url"] for r in self.db.query("select url from article_aliases where site = ?", [site]))
        return urls

    def get_article(self, id_or_url: str) -> dict[str, Any] | None:
        """One article row by id, URL or canonical URL."""
        return self._one(
            "select * from articles where id = ? or url = ? or canonical_url = ? limit 1",
            [id_or_url, id_or_url, id_or_url],
        )

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        rows = list(self.db.query(sql, params))
        return rows[0] if rows else None
