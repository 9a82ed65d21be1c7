"""Leave out Datasette facets and canned queries that an archive's schema cannot run yet."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

_PARAM = re.compile(r"(?<!:):([A-Za-z_]\w*)")
_MISSING = ("no such table", "no such column")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.create_function("escape_fts", 1, lambda text: text)  # Datasette's SQL function
    return conn


def runnable(conn: sqlite3.Connection, sql: str) -> bool:
    """False when ``sql`` names a table or column the database lacks (other errors are Datasette's)."""
    params = {name: None for name in _PARAM.findall(sql)}
    try:
        conn.execute("explain " + sql, params).fetchall()
    except sqlite3.Error as exc:
        return not any(text in str(exc) for text in _MISSING)
    return True


def prune_metadata(database: dict[str, Any], path: Path) -> None:
    """Remove, in place, the facets on missing columns and the queries the archive cannot run."""
    if not path.is_file():
        return
    conn = _connect(path)
    try:
        for table, config in (database.get("tables") or {}).items():
            columns = {row[1] for row in conn.execute(f"pragma table_info([{table}])")}
            if columns and config.get("fts_pk") not in (None, "rowid", *columns):
                config["fts_pk"] = "rowid"  # an archive from before the search key (m012): archive order
            if columns and config.get("facets"):
                config["facets"] = [f for f in config["facets"] if not isinstance(f, str) or f in columns]
        queries = database.get("queries") or {}
        for name in [n for n, q in queries.items() if not runnable(conn, q["sql"] if isinstance(q, dict) else q)]:
            del queries[name]
    finally:
        conn.close()
