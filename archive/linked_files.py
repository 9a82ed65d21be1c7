"""What the stores of files linked from articles (attachments, images) share: their own connection
to the archive (migrated), the sha256 key of a file, finding the stored article a page URL belongs
to, and reading an article's rows from a plain sqlite3 connection."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database

from archive import migrations
from archive.keys import article_id
from archive.store import open_database
from scrapers.urls import identity_url


def sha256(data: bytes) -> str:
    """Hex SHA-256 of a file's bytes: the key that stores one file once."""
    return hashlib.sha256(data).hexdigest()


def has_table(conn: Any, name: str) -> bool:
    """True when the sqlite3 connection's database has the table ``name`` (a migration has run)."""
    return conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchone() is not None


def rows_as_dicts(cursor: Any) -> list[dict[str, Any]]:
    """The rows left in an sqlite3 cursor, each as a dict of column name -> value."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


class LinkedFileStore:
    """A connection to the archive for the tables of one kind of linked file."""

    def __init__(self, db: Database | str | Path) -> None:
        self.db = open_database(db)
        migrations.apply(self.db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        rows = list(self.db.query(sql, params))
        return rows[0] if rows else None

    def resolve_article(self, url: str, canonical_url: str = "") -> str | None:
        """The stored article id of a page URL (its own row, or the article it duplicates)."""
        candidate = article_id(identity_url(url, canonical_url))
        row = self._one(
            "select id from articles where id = ? or url = ? or canonical_url = ? "
            "union all select article_id as id from article_aliases where url = ? limit 1",
            [candidate, url, url, url])
        return row["id"] if row else None
