"""Article images in the archive: each file kept once per sha256, and what each article's image gave.

``images`` holds the verified bytes (mime type, width and height as Pillow read them);
``article_images`` holds one row per image of an article, in page order: the URL, the kept
file's sha256, or the reason none was kept (404, an HTML page, broken data, too large...).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from archive.clock import now_iso, to_vn_iso
from archive.linked_files import LinkedFileStore, has_table, rows_as_dicts, sha256

# What the article page and the export read of an article's images.
IMAGES_OF_SQL = """select l.position, l.url, l.sha256, l.status, l.reason, l.http_status, i.mime, i.width, i.height,
  i.bytes from article_images l left join images i on i.sha256 = l.sha256
where l.article_id = ? order by l.position"""
# Articles an image backfill does: some image position has no row yet (never tried, or cut short).
_UNRECORDED = ("json_array_length(a.images) > "
               "(select count(*) from article_images l where l.article_id = a.id)")
# ... or, retrying, some image position whose earlier attempt kept nothing (an unusable URL is not retried).
_FAILED = ("exists (select 1 from article_images l where l.article_id = a.id and l.sha256 is null "
           "and l.status != 'skipped')")


class ImageStore(LinkedFileStore):
    """Reads and writes the ``images`` and ``article_images`` tables."""

    def kept_for_url(self, url: str) -> str | None:
        """The sha256 of the file already kept from ``url`` (by any article), if any."""
        # Every kept file is linked from the article it was fetched for (keep, then link): the indexed
        # article_images.url answers; images.first_url has no index and sits after the bytes.
        row = self._one("select sha256 from article_images where url = ? and sha256 is not null limit 1", [url])
        return row["sha256"] if row else None

    def recorded(self, article: str, position: int) -> dict[str, Any] | None:
        """The article_images row of an article's image at ``position``, if any."""
        return self._one("select * from article_images where article_id = ? and position = ?", [article, position])

    def keep(self, data: bytes, *, mime: str, width: int | None, height: int | None, url: str,
             fetched_at: str | None = None) -> str:
        """Keep an image's bytes once (same sha256: not stored again); return the sha256."""
        digest = sha256(data)
        self.db.execute(
            "insert into images (sha256, content, mime, width, height, bytes, first_url, fetched_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(sha256) do nothing",
            [digest, sqlite3.Binary(data), mime, width, height, len(data), url, to_vn_iso(fetched_at) or now_iso()])
        return digest

    def link(self, article: str, position: int, url: str, *, sha256: str | None, status: str,
             reason: str | None = None, http_status: int | None = None, fetched_at: str | None = None) -> None:
        """Record what the article's image at ``position`` gave; a failure never replaces a kept copy."""
        with self.db.atomic():
            existing = self.recorded(article, position)
            if (existing is not None and existing["url"] == url and existing["sha256"] and not sha256):
                return
            self.db.execute(
                "insert into article_images (article_id, position, url, sha256, status, reason, http_status, fetched_at) "
                "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(article_id, position) do update set url = excluded.url, "
                "sha256 = excluded.sha256, status = excluded.status, reason = excluded.reason, "
                "http_status = excluded.http_status, fetched_at = excluded.fetched_at",
                [article, position, url, sha256, status, reason, http_status, to_vn_iso(fetched_at) or now_iso()])

    def trim(self, article: str, count: int) -> None:
        """Forget the rows of positions the article no longer has (its page now shows ``count`` images)."""
        self.db.execute("delete from article_images where article_id = ? and position >= ?", [article, count])

    def backfill_articles(self, *, sites: list[str] | None = None, limit: int | None = None,
                          retry_failed: bool = False) -> list[dict[str, Any]]:
        """Archived articles whose images an image backfill should fetch, oldest stored first: those
        with an image not recorded yet, or (``retry_failed``) with an image whose earlier attempt failed.

        Each row: id, url, canonical_url, site, reform and ``images`` (the article's image list)."""
        where = ["a.images is not null", "a.images not in ('', '[]')", "json_valid(a.images)",
                 _FAILED if retry_failed else _UNRECORDED]
        params: list[Any] = []
        if sites:
            where.append(f"a.site in ({', '.join('?' for _ in sites)})")
            params += sites
        sql = ("select a.id, a.url, a.canonical_url, a.site, a.reform, a.images from articles a where "
               + " and ".join(where) + " order by a.rowid")
        if limit is not None:
            sql += " limit ?"
            params.append(limit)
        rows = list(self.db.query(sql, params))
        for row in rows:
            row["images"] = json.loads(row["images"])
        return rows

    def recorded_for(self, articles: list[str]) -> dict[tuple[str, int], dict[str, Any]]:
        """The article_images rows of ``articles``, keyed by (article id, position)."""
        found: dict[tuple[str, int], dict[str, Any]] = {}
        for start in range(0, len(articles), 500):
            chunk = articles[start:start + 500]
            sql = f"select * from article_images where article_id in ({', '.join('?' for _ in chunk)})"
            for row in self.db.query(sql, chunk):
                found[(row["article_id"], row["position"])] = row
        return found

    def newest_image_rowid(self) -> int:
        """The rowid of the file kept last (files kept later have a larger one); 0 when none is kept."""
        return int(self.db.execute("select coalesce(max(rowid), 0) from images").fetchone()[0])

    def files_kept_after(self, rowid: int) -> set[str]:
        """The sha256 of every file kept after the file with ``rowid``."""
        return {r[0] for r in self.db.execute("select sha256 from images where rowid > ?", [rowid]).fetchall()}

    def content(self, digest: str) -> tuple[bytes, str] | None:
        """(bytes, mime type) of a kept image, or None."""
        row = self.db.execute("select content, mime from images where sha256 = ?", [digest]).fetchone()
        return (bytes(row[0]), row[1]) if row else None


def images_of(conn: Any, article: str) -> list[dict[str, Any]]:
    """An article's image rows in page order (an sqlite3 connection; [] before the images migration)."""
    if not has_table(conn, "article_images"):
        return []
    return rows_as_dicts(conn.execute(IMAGES_OF_SQL, [article]))


def images_recorded_since(db_path: str | Path, since: str) -> dict[str, int] | None:
    """Image outcomes recorded since ``since`` (an ISO time), read without locking: {"recorded", "kept"};
    None while the archive cannot be read (what the backfill's progress line shows)."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            recorded, kept = conn.execute(
                "select count(*), count(sha256) from article_images where fetched_at >= ?", [since]).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return {"recorded": int(recorded), "kept": int(kept)}
