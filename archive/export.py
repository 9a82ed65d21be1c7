"""Streaming export of articles as JSON Lines, a JSON array or CSV, in constant memory."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from archive.export_query import ArticleFilter, FilterError
from archive.json_columns import json_list

FORMATS = ("jsonl", "json", "csv")
_JSON_COLUMNS = ("breadcrumb", "images", "attachments")
# The export record, in this order (archive/article.schema.json describes each field). A
# column the archive does not have yet (story_id, gone_at before the dedupe migration) is null.
RECORD_FIELDS = (
    "id", "url", "canonical_url", "site", "site_name", "province", "province_2025", "title",
    "published_at", "updated_at", "year", "author", "source", "category", "breadcrumb", "body",
    "body_html", "images", "attachments", "language", "word_count", "reform", "method", "found_on",
    "content_hash", "http_status", "fetched_at", "first_seen", "last_seen", "story_id", "gone_at",
)


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


def iter_articles(db_path: Path | str, *, since: str | None = None, site: str | None = None,
                  **filters: Any) -> Iterator[dict[str, Any]]:
    """Yield export records one at a time, oldest first, chosen by :class:`ArticleFilter` options."""
    chosen = ArticleFilter(since=since, site=site, **filters)
    conn = _connect(db_path)
    try:
        where, params = chosen.where(conn)
        sql = ("select a.*, s.name as site_name from articles a left join sites s on s.slug = a.site"
               f"{where} order by a.published_at, a.id")
        for row in conn.execute(sql, params):
            yield full_record(conn, dict(row))
    finally:
        conn.close()


def full_record(conn: sqlite3.Connection, row: dict[str, Any]) -> dict[str, Any]:
    """An articles row as an export record with its attachments' documents and images' copies."""
    return with_images(conn, with_documents(conn, record(row)))


def with_documents(conn: sqlite3.Connection, item: dict[str, Any]) -> dict[str, Any]:
    """Each attachment of the record with the stored document (text and fields) under "document"."""
    if not item.get("attachments"):
        return item
    from archive.attachments import documents_of

    stored = {d["url"]: d for d in documents_of(conn, item["id"])}
    for attachment in item["attachments"]:
        if isinstance(attachment, dict) and attachment.get("url") in stored:
            document = dict(stored[attachment["url"]])
            for key in ("url", "name"):
                document.pop(key, None)
            attachment["document"] = document
    return item


def with_images(conn: sqlite3.Connection, item: dict[str, Any]) -> dict[str, Any]:
    """Each image the archive tried to keep with ``kept`` and ``sha256`` (the copy), or ``reason`` (why none).

    Images not tried yet (an archive from before the images pipeline) stay as they were.
    """
    if not item.get("images"):
        return item
    from archive.images import images_of

    rows = {row["position"]: row for row in images_of(conn, item["id"])}
    for position, image in enumerate(item["images"]):
        row = rows.get(position)
        if not isinstance(image, dict) or row is None or row["url"] != image.get("src"):
            continue
        image["kept"] = bool(row["sha256"])
        image["sha256"] = row["sha256"]
        if not row["sha256"]:
            image["reason"] = row["reason"] or row["status"]
    return item


def record(row: dict[str, Any]) -> dict[str, Any]:
    """An articles row as an export record: RECORD_FIELDS in order, JSON columns as lists, reform a boolean."""
    item = {name: row.get(name) for name in RECORD_FIELDS}
    for name in _JSON_COLUMNS:
        item[name] = json_list(row.get(name))
    item["reform"] = bool(row.get("reform"))
    item["word_count"] = int(row.get("word_count") or 0)
    return item


def _csv_cell(value: Any) -> Any:
    """Lists and objects as JSON text, booleans as true/false, None as an empty cell."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_csv(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write records as CSV with a header row (the first record's fields); return the count."""
    writer = None
    count = 0
    for item in records:
        if writer is None:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(list(item))
        writer.writerow([_csv_cell(v) for v in item.values()])
        count += 1
    if writer is None:
        csv.writer(out, lineterminator="\n").writerow(RECORD_FIELDS)
    return count


def write_export(records: Iterator[dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write records as they come; return how many were written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (use jsonl, json or csv)")
    if fmt == "csv":
        return write_csv(records, out)
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


def check_filters(db_path: Path | str, **options: Any) -> None:
    """Raise ExportError for options no export could use (bad date, unknown province, empty query)."""
    conn = _connect(db_path)
    try:
        chosen = ArticleFilter(**options)
        chosen.check()
        chosen.where(conn)
    except FilterError as exc:
        raise ExportError(str(exc)) from None
    finally:
        conn.close()


def export_articles(db_path: Path | str, output: Path | str | TextIO, *, fmt: str = "jsonl",
                    since: str | None = None, site: str | None = None, **filters: Any) -> int:
    """Export articles of ``db_path`` to a file path or an open text stream; return the count.

    ``filters`` are the other :class:`ArticleFilter` options: until, province, query, reform_only.
    """
    since = parse_since(since)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (use jsonl, json or csv)")
    check_filters(db_path, since=since, site=site, **filters)  # fail before creating any output
    records = iter_articles(db_path, since=since, site=site, **filters)
    if isinstance(output, (str, Path)):
        check_output(output, db_path)
        with _atomic_text(Path(output)) as handle:
            return write_export(records, handle, fmt)
    return write_export(records, output, fmt)


_COPY_COLUMNS = ("id", "url", "site", "title", "published_at", "story_match", "story_score", "gone_at")


def iter_stories(db_path: Path | str, *, since: str | None = None,
                 site: str | None = None) -> Iterator[dict[str, Any]]:
    """One record per story: its canonical copy's fields, ``story_id`` and every copy in ``copies``.

    A story is exported when any of its copies passes the filters.
    """
    where, params = ["a.story_id = s.id"], []
    if since:
        where.append("a.published_at >= ?")
        params.append(parse_since(since))
    if site:
        where.append("a.site = ?")
        params.append(site)
    sql = (f"select s.id as story_id, s.canonical_article_id from stories s where exists "
           f"(select 1 from articles a where {' and '.join(where)}) order by s.published_at, s.id")
    conn = _connect(db_path)
    try:
        for story_id, canonical_id in conn.execute(sql, params).fetchall():
            copies = [dict(r) for r in conn.execute(
                f"select {', '.join(_COPY_COLUMNS)} from articles where story_id = ? "
                "order by published_at is null, published_at, id", [story_id])]
            row = conn.execute("select * from articles where id = ?", [canonical_id]).fetchone()
            if row is None:
                continue
            yield {**full_record(conn, dict(row)), "story_id": story_id, "copies": copies}
    finally:
        conn.close()


def export_stories(db_path: Path | str, output: Path | str | TextIO, *, fmt: str = "jsonl",
                   since: str | None = None, site: str | None = None) -> int:
    """Export one record per story (``reformnews export --unique``); return the count."""
    since = parse_since(since)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (use jsonl or json)")
    _connect(db_path).close()
    records = iter_stories(db_path, since=since, site=site)
    if isinstance(output, (str, Path)):
        check_output(output, db_path)
        with _atomic_text(Path(output)) as handle:
            return write_export(records, handle, fmt)
    return write_export(records, output, fmt)
