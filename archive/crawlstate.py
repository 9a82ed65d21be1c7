"""Incremental crawl state of the archive: the frontier, per-URL validators, listing walks, revisits."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.clock import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database


def iso_days_ago(days: float) -> str:
    """The ISO timestamp ``days`` before now, comparable with the archive's stored timestamps."""
    now = datetime.fromisoformat(now_iso())
    return (now - timedelta(days=days)).isoformat(timespec="seconds")


class CrawlStateMixin:
    """Methods of :class:`archive.store.Archive` that make crawls incremental and resumable."""

    db: "Database"
    _one: Callable[[str, list[Any]], dict[str, Any] | None]  # Archive's single-row query

    # --- frontier: article URLs discovered but not yet archived ---------------------------
    def frontier_add(self, rows: Iterable[dict[str, Any]], run_id: int | None = None) -> int:
        """Remember discovered article URLs (url, site, found_on, category, reform, kind) in one transaction."""
        now = now_iso()
        added = 0
        with self.db.atomic():
            for row in rows:
                cursor = self.db.execute(
                    "insert into frontier (url, site, found_on, category, reform, kind, discovered_at, run_id, attempts) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, 0) on conflict(url) do nothing",
                    [row["url"], row["site"], row.get("found_on", ""), row.get("category", ""),
                     int(bool(row.get("reform"))), row.get("kind", "article"), now, run_id],
                )
                added += cursor.rowcount
        return added

    def frontier_take(self, sites: Iterable[str], max_attempts: int = 3) -> list[dict[str, Any]]:
        """The frontier rows of ``sites``, counting this attempt; rows tried ``max_attempts`` times are dropped."""
        sites = list(sites)
        if not sites:
            return []
        marks = ", ".join("?" for _ in sites)
        with self.db.atomic():
            self.db.execute(f"delete from frontier where site in ({marks}) and attempts >= ?", [*sites, max_attempts])
            self.db.execute(f"update frontier set attempts = attempts + 1 where site in ({marks})", sites)
            return list(self.db.query(f"select * from frontier where site in ({marks}) order by rowid", sites))

    def frontier_done(self, urls: Iterable[str]) -> None:
        """Forget frontier URLs that were fetched and handled (archived, dropped or failed for good)."""
        urls = [u for u in dict.fromkeys(urls) if u]
        if urls:
            marks = ", ".join("?" for _ in urls)
            self.db.execute(f"delete from frontier where url in ({marks})", urls)

    def frontier_count(self, sites: Iterable[str] | None = None) -> int:
        """How many URLs wait in the frontier (of ``sites``, or all)."""
        sites = list(sites or [])
        if not sites:
            return self.db.execute("select count(*) from frontier").fetchone()[0]
        marks = ", ".join("?" for _ in sites)
        return self.db.execute(f"select count(*) from frontier where site in ({marks})", sites).fetchone()[0]

    # --- validators and listing walks -----------------------------------------------------
    def validators(self, url: str) -> tuple[str, str]:
        """(ETag, Last-Modified) to send for ``url``; empty when unknown or its listing walk never finished."""
        rows = list(self.db.query(
            "select etag, last_modified, kind, walk_complete from fetch_state where url = ?", [url]))
        if not rows:
            return "", ""
        row = rows[0]
        if row["kind"] == "listing" and not row["walk_complete"]:
            return "", ""
        return row["etag"] or "", row["last_modified"] or ""

    def save_fetch(self, url: str, *, site: str, kind: str, etag: str = "", last_modified: str = "",
                   http_status: int | None = None, listing_key: str = "") -> None:
        """Record the validators of a fetched URL (a listing page starts an unfinished walk)."""
        self.db.execute(
            "insert into fetch_state (url, site, kind, listing_key, etag, last_modified, walk_complete, http_status, "
            "checked_at) values (?, ?, ?, ?, ?, ?, 0, ?, ?) on conflict(url) do update set site = excluded.site, "
            "kind = excluded.kind, listing_key = excluded.listing_key, etag = excluded.etag, "
            "last_modified = excluded.last_modified, walk_complete = 0, http_status = excluded.http_status, "
            "checked_at = excluded.checked_at",
            [url, site, kind, listing_key, etag, last_modified, http_status, now_iso()],
        )

    def complete_walk(self, listing_key: str) -> None:
        """A listing was walked to its stop: its pages' validators may be sent from now on."""
        self.db.execute("update fetch_state set walk_complete = 1 where listing_key = ?", [listing_key])

    def completed_walks(self, site: str) -> set[str]:
        """Listing keys of ``site`` whose last walk ran to its stop (an interrupted walk must be redone in full)."""
        return {r["listing_key"] for r in self.db.query(
            "select listing_key from fetch_state where site = ? and kind = 'listing' "
            "group by listing_key having min(walk_complete) = 1", [site])}

    def mark_not_article(self, url: str, site: str) -> None:
        """Remember a page with an article-shaped URL that is not an article (not fetched again until revisit)."""
        self.db.execute(
            "insert into fetch_state (url, site, kind, checked_at) values (?, ?, 'not_article', ?) "
            "on conflict(url) do update set kind = 'not_article', checked_at = excluded.checked_at",
            [url, site, now_iso()],
        )

    # --- robots.txt kept across runs ------------------------------------------------------
    def robots_cached(self, url: str) -> dict[str, Any] | None:
        """The kept robots.txt at ``url`` (http_status, body, etag, last_modified, fetched_at, checked_at), or None."""
        return self._one("select * from robots_cache where url = ?", [url])

    def save_robots(self, url: str, *, http_status: int, body: bytes, etag: str = "", last_modified: str = "") -> None:
        """Keep a robots.txt answer (a 200's rules, or a 4xx: no rules) as checked now."""
        now = now_iso()
        self.db.execute(
            "insert into robots_cache (url, http_status, body, etag, last_modified, fetched_at, checked_at) "
            "values (?, ?, ?, ?, ?, ?, ?) on conflict(url) do update set http_status = excluded.http_status, "
            "body = excluded.body, etag = excluded.etag, last_modified = excluded.last_modified, "
            "fetched_at = excluded.fetched_at, checked_at = excluded.checked_at",
            [url, http_status, body, etag, last_modified, now, now],
        )

    def touch_robots(self, url: str) -> None:
        """The kept robots.txt at ``url`` was revalidated (304 Not Modified): it counts as checked now."""
        self.db.execute("update robots_cache set checked_at = ? where url = ?", [now_iso(), url])

    # --- known and due URLs ---------------------------------------------------------------
    def skip_urls(self, site: str, revisit_after_days: float) -> set[str]:
        """URLs of ``site`` not to fetch from a listing: archived articles, their aliases, recent non-articles."""
        urls = set(self.known_urls(site))  # type: ignore[attr-defined]
        cutoff = iso_days_ago(revisit_after_days)
        urls.update(r["url"] for r in self.db.query(
            "select url from fetch_state where site = ? and kind = 'not_article' and checked_at >= ?", [site, cutoff]))
        return urls

    def archived_urls(self, site: str) -> set[str]:
        """URLs of ``site`` that are archived articles (for the pagination stop rule)."""
        return set(self.known_urls(site))  # type: ignore[attr-defined]

    def revisit_due(self, site: str, revisit_after_days: float, limit: int) -> list[dict[str, Any]]:
        """Archived articles of ``site`` last seen more than ``revisit_after_days`` ago, oldest first."""
        if limit <= 0:
            return []
        return list(self.db.query(
            "select url, found_on, category, reform from articles where site = ? and gone_at is null "
            "and last_seen < ? order by last_seen limit ?",
            [site, iso_days_ago(revisit_after_days), limit]))

    def touch_article(self, url: str) -> None:
        """A revisit answered 304 Not Modified: the article was seen unchanged now."""
        self.db.execute("update articles set last_seen = ? where url = ? or canonical_url = ?", [now_iso(), url, url])

    def set_article_warc(self, url: str, warc_file: str, offset: int, length: int) -> None:
        """Point the article at ``url`` to the WARC record its text was extracted from."""
        self.db.execute(
            "update articles set warc_file = ?, warc_offset = ?, warc_length = ? "
            "where id = (select id from articles where url = ? or canonical_url = ? "
            "union select article_id from article_aliases where url = ? limit 1)",
            [warc_file, offset, length, url, url, url],
        )

    # --- runs -----------------------------------------------------------------------------
    def interrupt_stale_runs(self) -> int:
        """Runs still "running" when a new one holds the lock were killed: mark them "interrupted"."""
        cursor = self.db.execute(
            "update crawl_runs set status = 'interrupted', finished_at = coalesce(finished_at, ?), "
            "note = coalesce(note, 'the crawl process died; its discovered URLs were resumed from the frontier') "
            "where status = 'running'",
            [now_iso()],
        )
        return cursor.rowcount

    def write_site_fetches(self, run_id: int, per_site: dict[str, dict[str, Any]]) -> None:
        """Per site of a run: requests, responses, bytes, article links seen, status ("ok", "failed"), a note."""
        with self.db.atomic():
            for site, figures in per_site.items():
                self.db.execute(
                    "insert into crawl_run_sites (run_id, site, new, updated, unchanged, duplicates, errors, requests, "
                    "responses, bytes, links, not_modified, status, note) values (?, ?, 0, 0, 0, 0, 0, ?, ?, ?, ?, ?, ?, ?) "
                    "on conflict(run_id, site) do update set requests = excluded.requests, "
                    "responses = excluded.responses, bytes = excluded.bytes, links = excluded.links, "
                    "not_modified = excluded.not_modified, "
                    "status = excluded.status, note = excluded.note",
                    [run_id, site, int(figures.get("requests", 0)), int(figures.get("responses", 0)),
                     int(figures.get("bytes", 0)), int(figures.get("links", 0)), int(figures.get("not_modified", 0)), figures.get("status", "ok"),
                     figures.get("note")],
                )


def run_progress(db_path: str | Path, run_id: int, started_at: str) -> dict[str, int] | None:
    """New articles, queued URLs and errors of a running crawl, read without locking; None if unreadable."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return {
                "new": conn.execute("select count(*) from articles where first_seen >= ?", [started_at]).fetchone()[0],
                "queued": conn.execute("select count(*) from frontier").fetchone()[0],
                "errors": conn.execute("select count(*) from crawl_errors where run_id = ?", [run_id]).fetchone()[0],
            }
        finally:
            conn.close()
    except sqlite3.Error:
        return None
