"""Datasette plugin: ``rn_documents(db_name, article_id)`` lists an article's stored documents,
each with the headings of its outline (plugins are also copied alone into a --plugins-dir: no
imports of archive/ or scrapers/)."""

from __future__ import annotations

import json
from typing import Any

from datasette import hookimpl

DOCUMENTS_SQL = """select l.url, coalesce(nullif(l.name, ''), a.name) as name, a.id, a.type, a.size, a.pages,
  a.status, a.reason, a.agency, a.number, a.place, a.doc_date, a.doc_type, a.title, a.signer,
  a.signer_position, a.recipients, a.structure, substr(a.text, 1, 600) as excerpt
from article_attachments l join attachments a on a.id = l.attachment_id
where l.article_id = :id order by l.first_seen, l.url"""


async def article_documents(datasette: Any, db_name: str, article_id: str) -> list[dict[str, Any]]:
    """The stored documents of one article ([] before the attachments migration), each with
    ``outline``: the headings of its structure with their depth."""
    db = datasette.get_database(db_name)
    if not await db.table_exists("article_attachments"):
        return []
    sql = DOCUMENTS_SQL
    if "structure" not in await db.table_columns("attachments"):  # before m010
        sql = sql.replace("a.structure,", "'[]' as structure,")
    rows = [dict(r) for r in (await db.execute(sql, {"id": article_id})).rows]
    for row in rows:
        row["recipients"], row["structure"] = json_list(row["recipients"]), json_list(row["structure"])
        row["outline"] = outline_headings(row["structure"])
    return rows


def json_list(value: str | None) -> list[Any]:
    """A stored JSON list column ([] when empty or broken)."""
    try:
        decoded = json.loads(value or "[]")
    except ValueError:
        return []
    return decoded if isinstance(decoded, list) else []


_LABELS = {"phan": "Phần {}", "chuong": "Chương {}", "muc": "Mục {}", "dieu": "Điều {}", "roman": "{}",
           "numbered": "{}", "khoan": "{}", "diem": "{})"}


def heading_label(part: dict[str, Any]) -> str:
    """How the document writes a part's heading: "Chương II. TÊN", "Điều 1. Phạm vi", "1. Mục đích", "a) ..."."""
    kind, number, title = part.get("kind", ""), str(part.get("number", "")), part.get("title") or ""
    label = _LABELS.get(kind, "{}").format(number)
    if kind != "diem":
        label += "."
    return f"{label} {title}".strip()


def outline_headings(structure: list[dict[str, Any]], *, limit: int = 80,
                     skip: tuple[str, ...] = ("khoan", "diem")) -> list[dict[str, Any]]:
    """The headings of a stored outline in reading order, each with its depth (clauses and points
    left out by default: they are text, not headings); at most ``limit``."""
    out: list[dict[str, Any]] = []

    def walk(parts: list[dict[str, Any]], depth: int) -> None:
        for part in parts:
            if len(out) >= limit:
                return
            if not isinstance(part, dict) or part.get("kind") in skip:
                continue
            out.append({"depth": depth, "label": heading_label(part), "kind": part.get("kind")})
            walk(part.get("children") or [], depth + 1)

    walk(structure or [], 0)
    return out


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> dict[str, Any]:
    """``rn_documents(db_name, id)`` for the article page template."""
    if not template.startswith("row"):
        return {}

    async def rn_documents(db_name: str, article_id: str) -> list[dict[str, Any]]:
        return await article_documents(datasette, db_name, article_id)

    return {"rn_documents": rn_documents}
