"""Datasette plugin: what the article page shows beside the row (site, copies on other sites, revisions)."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

SITE_SQL = "select slug, name, agency, province, province_2025, base_url from sites where slug = :site"
VERSIONS_SQL = """select id, title, body, published_at, updated_at, fetched_at, replaced_at
from article_versions where article_id = :id order by replaced_at desc, id desc limit 50"""
ALIASES_SQL = "select url, first_seen from article_aliases where article_id = :id order by first_seen limit 50"
# Copies of the same story on other sites: only once the dedupe migration added articles.story_id.
COPIES_SQL = """select a.id, a.site, s.name as site_name, coalesce(a.province_2025, a.province) as province,
  a.title, a.published_at, a.url
from articles a left join sites s on s.slug = a.site
where a.story_id = (select story_id from articles where id = :id) and a.id != :id
order by a.published_at limit 100"""


async def _rows(db: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def has_column(db: Any, table: str, column: str) -> bool:
    """Whether ``table`` exists and has ``column`` (features added by later migrations)."""
    return await db.table_exists(table) and column in await db.table_columns(table)


async def article_extras(datasette: Any, db_name: str, article_id: str, site: str) -> dict[str, Any]:
    """The article's site, its other URLs, its copies on other sites and its earlier revisions."""
    db = datasette.get_database(db_name)
    params = {"id": article_id, "site": site}
    copies: list[dict[str, Any]] | None = None
    if await has_column(db, "articles", "story_id"):
        copies = await _rows(db, COPIES_SQL, params)
    return {
        "site": next(iter(await _rows(db, SITE_SQL, params)), None),
        "aliases": await _rows(db, ALIASES_SQL, params),
        "versions": await _rows(db, VERSIONS_SQL, params),
        "copies": copies,  # None: this archive does not group stories yet
    }


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> dict[str, Any]:
    """``rn_article(db_name, id, site)`` for the article page template."""
    if not template.startswith("row"):
        return {}

    async def rn_article(db_name: str, article_id: str, site: str) -> dict[str, Any]:
        return await article_extras(datasette, db_name, article_id, site)

    return {"rn_article": rn_article}
