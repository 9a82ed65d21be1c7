"""Streaming export of articles as JSON Lines or a JSON array, in constant memory."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TextIO

FORMATS = ("jsonl", "json")
_JSON_COLUMNS = ("breadcrumb", "images", "attachments")


class ExportError(ValueError):
    """The export was refused; the message says why."""


def parse_since(value: str | None) -> str | None:
    """Check a ``YYYY-MM-DD`` date (returned unchanged) or raise ExportError."""
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ExportError(f"--since must be a date like 2024-01-31, not {value!r}") from None


def check_output(output: Path | str, db_path: Path | str) -> None:
    """Refuse an output path that is the database file or one of its journal files."""
    out = Path(output).resolve()
    db = Path(db_path).resolve()
    protected = [db, *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]
    if out in protected or (out.exists() and db.exists() and os.path.samefile(out, db)):
        raise ExportError(f"refusing to write the export onto the database {db}")


def _connect(db_path: Path | str) -> sqlite3.Connection:
    path = Path(db_path)
    if not path.is_file():
        raise ExportError(f"no archive at {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def iter_articles(db_path: Path | str, *, since: str | None = None, site: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield export records one at a time, oldest first, optionally since a date and of one site."""
    where, params = [], []
    if since:
        where.append("published_at >= ?")
        params.append(parse_since(since))
    if site:
        where.append("site = ?")
        params.append(site)
    sql = "select * from articles" + (" where " + " and ".join(where) if where else "")
    sql += " order by published_at, id"
    conn = _connect(db_path)
    try:
        for row in conn.execute(sql, params):
            yield record(dict(row))
    finally:
        conn.close()


def record(row: dict[str, Any]) -> dict[str, Any]:
    """An articles row as an export record: JSON columns as lists, reform as a boolean."""
    for name in _JSON_COLUMNS:
        try:
            row[name] = json.loads(row.get(name) or "[]")
        except ValueError:
            row[name] = []
    row["reform"] = bool(row.get("reform"))
    return row


def write_export(records: Iterator[dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write records as they come; return how many were written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (use jsonl or json)")
    count = 0
    if fmt == "json":
        out.write("[")
    for item in records:
        line = json.dumps(item, ensure_ascii=False)
        if fmt == "json":
            out.write(("\n" if count == 0 else ",\n") + line)
        else:
            out.write(line + "\n")
        count += 1
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    return count


@contextmanager
def _atomic_text(path: Path) -> Iterator[TextIO]:
    """A file written beside ``path`` and moved onto it only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part", delete=False)
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def export_articles(db_path: Path | str, output: Path | str | TextIO, *, fmt: str = "jsonl",
                    since: str | None = None, site: str | None = None) -> int:
    """Export articles of ``db_path`` to a file path or an open text stream; return the count."""
    since = parse_since(since)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (use jsonl or json)")
    _connect(db_path).close()  # fail before creating any output
    records = iter_articles(db_path, since=since, site=site)
    if isinstance(output, (str, Path)):
        check_output(output, db_path)
        with _atomic_text(Path(output)) as handle:
            return write_export(records, handle, fmt)
    return write_export(records, output, fmt)
