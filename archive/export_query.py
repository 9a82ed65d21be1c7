"""Which articles an export selects: dates, site, province, full-text query, reform only."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from archive.search_order import fts_key_column
from scrapers.extract.text import fold

_TERM = re.compile(r'"([^"]*)"|(\S+)')


class FilterError(ValueError):
    """A filter value the export cannot use; the message says why."""


def parse_day(value: str | None, option: str) -> date | None:
    """A ``YYYY-MM-DD`` option value as a date (None when empty)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{option} must be a date like 2024-01-31, not {value!r}") from None


def fts_match(text: str) -> str:
    """An FTS5 MATCH over the folded columns: every word must occur; "quoted words" as a phrase.

    Folding (no tone marks, đ→d) makes "cải cách", "cai cach" and "CẢI CÁCH" the same query,
    and no FTS5 operator or syntax error can come from user text.
    """
    terms = []
    for phrase, word in _TERM.findall(text or ""):
        folded = fold(phrase or word)
        if not folded:
            continue
        terms.append(f'"{folded}"' if phrase else " ".join(f'"{w}"' for w in folded.split()))
    if not terms:
        raise FilterError(f"--query {text!r} has no words to search for")
    return "{title_folded body_folded} : (" + " ".join(terms) + ")"


def province_sites(conn: sqlite3.Connection, name: str) -> list[str]:
    """Slugs of the sites in province ``name`` (before or after the 2025 merger, tone marks optional)."""
    key = fold(name)
    rows = conn.execute("select slug, province, province_2025 from sites").fetchall()
    slugs = [r[0] for r in rows if key in (fold(r[1] or ""), fold(r[2] or ""))]
    if not slugs:
        known = sorted({p for r in rows for p in (r[1], r[2]) if p})
        raise FilterError(f"no site in province {name!r} (known: {', '.join(known) or 'none'})")
    return slugs


@dataclass
class ArticleFilter:
    """The export options that choose articles (all optional; ``until`` is inclusive)."""

    since: str | None = None
    until: str | None = None
    site: str | None = None
    province: str | None = None
    query: str | None = None
    reform_only: bool = False

    def check(self) -> None:
        """Raise FilterError for a malformed date or an empty query, before any output is made."""
        since, until = parse_day(self.since, "--since"), parse_day(self.until, "--until")
        if since and until and until < since:
            raise FilterError(f"--until {until} is before --since {since}")
        if self.query is not None:
            fts_match(self.query)

    def where(self, conn: sqlite3.Connection, alias: str = "a") -> tuple[str, list[object]]:
        """The SQL condition on ``articles {alias}`` (" where ..." or "") and its parameters."""
        clauses: list[str] = []
        params: list[object] = []
        if (since := parse_day(self.since, "--since")) is not None:
            clauses.append(f"{alias}.published_at >= ?")
            params.append(since.isoformat())
        if (until := parse_day(self.until, "--until")) is not None:
            clauses.append(f"{alias}.published_at < ?")  # bare dates and timestamps of that day included
            params.append((until + timedelta(days=1)).isoformat())
        if self.site:
            clauses.append(f"{alias}.site = ?")
            params.append(self.site)
        if self.province:
            slugs = province_sites(conn, self.province)
            clauses.append(f"{alias}.site in ({', '.join('?' for _ in slugs)})")
            params.extend(slugs)
        if self.reform_only:
            clauses.append(f"{alias}.reform = 1")
        if self.query is not None:
            key = fts_key_column(conn)  # the index rowid is the search key (rowid before m012)
            clauses.append(f"{alias}.{key} in (select rowid from articles_fts where articles_fts match ?)")
            params.append(fts_match(self.query))
        return (" where " + " and ".join(clauses) if clauses else ""), params
