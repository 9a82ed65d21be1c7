"""Datasette plugin: ``rn_documents(db_name, article_id)`` lists an article's stored documents."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from archive.attachments import json_lists
from scrapers.documents.structure import outline_headings

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
    rows = [json_lists(dict(r)) for r in (await db.execute(sql, {"id": article_id})).rows]
    for row in rows:
        row["outline"] = outline_headings(row["structure"])
    return rows


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> dict[str, Any]:
    """``rn_documents(db_name, id)`` for the article page template."""
    if not template.startswith("row"):
        return {}

    async def rn_documents(db_name: str, article_id: str) -> list[dict[str, Any]]:
        return await article_documents(datasette, db_name, article_id)

    return {"rn_documents": rn_documents}
