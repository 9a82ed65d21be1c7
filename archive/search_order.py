"""The search key: the full-text index's rowid, so that walking it backwards is publication order.

Every article carries ``articles.search_key`` (unique), and its row of ``articles_fts`` has that
key as its rowid. The key is the publication moment in epoch seconds (a bare date is midnight in
Vietnam, +07:00), shifted to count from 1900 and times 2**30, plus the article's rowid as the
tiebreak; an article without a (readable) date has key = rowid, below every dated one. So
``articles_fts MATCH ? ORDER BY rowid DESC LIMIT n`` reads newest published first and stops
after n, and a page boundary ``rowid < :before`` never skips or repeats an article.

The key is computed in SQL by triggers (``m012_search_in_publication_order``): on insert, and
when ``published_at`` changes, which also moves the article's search row to its new key. Writers
that know the key (:meth:`archive.stories.StoriesMixin.add_batch`) write it with the row so no
trigger rewrites it; :func:`search_key` is the same computation in Python.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

ROWID_BITS = 30  # up to 2**30 (about a billion) articles; the rest of the 63 bits is time
EPOCH_1900 = -2208988800  # 1900-01-01T00:00:00Z: dates before it count as 1900
MAX_SPAN = 2 ** (63 - ROWID_BITS) - 2  # seconds after 1900 that fit (until about 2172)
_UTC = timezone.utc


def key_sql(published_at: str, rowid: str) -> str:
    """The SQL expression of the search key of the columns ``published_at`` and ``rowid``."""
    seconds = (f"CAST(strftime('%s', CASE WHEN length({published_at}) = 10 "
               f"THEN {published_at} || 'T00:00:00+07:00' ELSE {published_at} END) AS INTEGER)")
    return (f"(CASE WHEN {seconds} IS NULL THEN {rowid} "
            f"ELSE (min(max({seconds} - ({EPOCH_1900}), 0), {MAX_SPAN}) + 1) * {2 ** ROWID_BITS} + {rowid} END)")


def _seconds(published_at: str | None) -> int | None:
    """Epoch seconds of a stored ``published_at`` as SQLite's strftime('%s') reads it (None if unreadable)."""
    if not published_at or not isinstance(published_at, str):
        return None
    text = published_at + "T00:00:00+07:00" if len(published_at) == 10 else published_at
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:  # SQLite reads a time without offset as UTC
        moment = moment.replace(tzinfo=_UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=_UTC)
    return delta.days * 86400 + delta.seconds  # whole seconds, as strftime('%s')


def search_key(published_at: str | None, rowid: int) -> int:
    """The search key of an article (see the module docstring); equals the SQL of :func:`key_sql`
    for every ``published_at`` the store writes (the triggers correct any other)."""
    seconds = _seconds(published_at)
    if seconds is None:
        return rowid
    return (min(max(seconds - EPOCH_1900, 0), MAX_SPAN) + 1) * 2 ** ROWID_BITS + rowid


def fts_key_column(conn: sqlite3.Connection) -> str:
    """The ``articles`` column the search index's rowid stands for: ``search_key`` once the archive
    has it (m012), else ``rowid`` (an archive not yet migrated, opened read-only)."""
    columns = {row[1] for row in conn.execute("pragma table_info(articles)")}
    return "search_key" if "search_key" in columns else "rowid"
