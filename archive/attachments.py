"""Attached documents in the archive: stored once per file, linked to articles, searchable."""

from __future__ import annotations

import json
from typing import Any

from archive.clock import now_iso, to_vn_iso
from archive.json_columns import json_list
from archive.linked_files import LinkedFileStore, has_table, rows_as_dicts, sha256
from scrapers.documents import Document
from scrapers.documents.model import LIST_FIELDS
from scrapers.extract.text import fold, word_count

# The Document fields stored as columns (fields["date"] becomes doc_date).
FIELD_COLUMNS = {"agency": "agency", "number": "number", "place": "place", "date": "doc_date",
                 "doc_type": "doc_type", "title": "title", "signer": "signer",
                 "signer_position": "signer_position"}
# What the export and the article page show of each stored document.
PUBLIC_COLUMNS = ("id", "url", "sha256", "name", "type", "size", "pages", "status", "reason", "agency",
                  "number", "place", "doc_date", "doc_type", "title", "signer", "signer_position",
                  "recipients", "structure", "text", "fetched_at")
# Columns holding a JSON list (the outline: scrapers.documents.structure, offsets into `text`).


def document_row(document: Document, data: bytes | None) -> dict[str, Any]:
    """The content columns of an attachments row for an extracted document."""
    row: dict[str, Any] = {column: document.fields.get(name) for name, column in FIELD_COLUMNS.items()}
    row.update(
        sha256=sha256(data) if data else None, size=len(data) if data else document.size or None,
        pages=document.pages, text=document.text, word_count=word_count(document.text),
        status=document.status, reason=document.reason, extractor=document.extractor,
    )
    row.update({name: json.dumps(list(document.fields.get(name) or []), ensure_ascii=False, separators=(",", ":"))
                for name in LIST_FIELDS})
    if document.type:
        row["type"] = document.type
    return row


class AttachmentStore(LinkedFileStore):
    """Reads and writes the `attachments`, `article_attachments` and `attachments_fts` tables."""

    def known(self, url: str) -> dict[str, Any] | None:
        """The stored attachment fetched from ``url`` (or linked under it), if any."""
        return self._one(
            "select * from attachments where url = ? union all select a.* from attachments a "
            "join article_attachments l on l.attachment_id = a.id where l.url = ? limit 1", [url, url])

    def save(self, url: str, document: Document, data: bytes | None = None, *, name: str = "",
             type: str = "", content_type: str = "", article: str | None = None,
             http_status: int | None = None, fetched_at: str | None = None,
             warc: dict[str, Any] | None = None) -> int:
        """Store one downloaded (or failed) file; return its attachments id.

        Bytes already stored (same sha256) are not stored again, but a copy recorded as not parsed
        takes the new extraction; a failure never overwrites a good copy of the same URL.
        """
        now = now_iso()
        row = document_row(document, data)
        row.update(name=name, content_type=content_type, http_status=http_status,
                   fetched_at=to_vn_iso(fetched_at) or now, type=row.get("type") or type)
        if warc:
            row.update(warc_file=warc.get("file"), warc_offset=warc.get("offset"), warc_length=warc.get("length"))
        with self.db.atomic():
            existing = None
            if row["sha256"]:
                existing = self._one("select id, sha256, status from attachments where sha256 = ?", [row["sha256"]])
            if existing is None:
                existing = self._one("select id, sha256, status from attachments where url = ?", [url])
            if existing is not None and not row["sha256"] and existing["sha256"]:
                target = existing["id"]  # a failed refetch: keep the good copy
            elif existing is not None:
                target = existing["id"]
                # new bytes, a failure, or the same bytes now read after being recorded as not parsed
                reread = existing["status"] == "not_parsed" and row["status"] != "not_parsed"
                if existing["sha256"] != row["sha256"] or not row["sha256"] or reread:
                    self._update(target, row)
            else:
                values = {**row, "url": url, "article_id": article, "first_seen": now}
                columns = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                target = self.db.execute(f"insert into attachments ({columns}) values ({marks})",
                                         list(values.values())).lastrowid
                self._index(target, values)
            if article:
                self.link(article, target, url, name=name, type=row["type"] or type, now=now)
        return int(target)

    def _update(self, attachment_id: int, row: dict[str, Any]) -> None:
        assignments = ", ".join(f"{k} = ?" for k in row)
        self.db.execute(f"update attachments set {assignments} where id = ?", [*row.values(), attachment_id])
        self.db.execute("delete from attachments_fts where rowid = ?", [attachment_id])
        self._index(attachment_id, row)

    def _index(self, attachment_id: int, row: dict[str, Any]) -> None:
        title = " ".join(x for x in (row.get("doc_type"), row.get("title"), row.get("name")) if x)
        text = row.get("text") or ""
        self.db.execute(
            "insert into attachments_fts (rowid, title, text, title_folded, text_folded) values (?, ?, ?, ?, ?)",
            [attachment_id, title, text, fold(title), fold(text)],
        )

    def link(self, article: str, attachment_id: int, url: str, *, name: str = "", type: str = "",
             now: str | None = None) -> None:
        """Link an article to a stored attachment under the URL the article gives."""
        self.db.execute(
            "insert into article_attachments (article_id, attachment_id, url, name, type, first_seen) "
            "values (?, ?, ?, ?, ?, ?) on conflict(article_id, url) do update set "
            "attachment_id = excluded.attachment_id, name = excluded.name, type = excluded.type",
            [article, attachment_id, url, name, type, now or now_iso()],
        )
        self.db.execute("update attachments set article_id = coalesce(article_id, ?) where id = ?",
                        [article, attachment_id])

    def for_article(self, article: str) -> list[dict[str, Any]]:
        """The stored documents an article links to, in the order it was linked."""
        return documents_of(self.db.conn, article)

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Attachments matching a query, accented or not ("ke hoach" finds "Kế hoạch")."""
        words = fold(query).split()
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        return list(self.db.query(
            "select a.id, a.url, a.title, a.doc_type, a.number, a.doc_date, a.status from attachments_fts "
            "join attachments a on a.id = attachments_fts.rowid where attachments_fts match ? "
            "order by rank limit ?", [f"{{title_folded text_folded}}: ({match})", limit]))

    def rebuild_search(self) -> None:
        """Rebuild the attachments' full-text index from the table."""
        with self.db.atomic():
            self.db.execute("delete from attachments_fts")
            for row in self.db.query("select id, doc_type, title, name, text from attachments"):
                self._index(row["id"], row)


def documents_of(conn: Any, article: str) -> list[dict[str, Any]]:
    """Public fields of the documents an article links to (an sqlite3 connection; [] before the migration)."""
    if not has_table(conn, "article_attachments"):
        return []
    columns = ", ".join(f"a.{c}" for c in PUBLIC_COLUMNS if c not in ("url", "name", "type"))
    cursor = conn.execute(
        f"select l.url, coalesce(nullif(l.name, ''), a.name) as name, coalesce(nullif(a.type, ''), l.type) as type, "
        f"{columns} from article_attachments l join attachments a on a.id = l.attachment_id "
        f"where l.article_id = ? order by l.first_seen, l.url", [article])
    return [json_lists(row) for row in rows_as_dicts(cursor)]


def json_lists(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its JSON list columns (recipients, structure) decoded; [] when absent or broken."""
    for column in LIST_FIELDS:
        if column in row:
            row[column] = json_list(row[column])
    return row
