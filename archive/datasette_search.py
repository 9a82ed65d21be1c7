"""Datasette plugin: fast full-text search at ``/-/search`` (HTML) and ``/-/search.json``.

The table search (``/archive/articles?_search=``) collects every match, sorts them by date and
counts six facets: on a million articles a common phrase ("cải cách hành chính", "da nang")
matches hundreds of thousands of rows and takes a second. This route walks the search index
from its newest row down and stops after one page (``ORDER BY rowid DESC LIMIT n+1``), so a
phrase in half the archive costs what a rare word does. Pages are keyset-paginated with
``?before=<key>`` (never OFFSET, which would read every skipped match again).

Order: **publication order**, newest published first. The index rowid is the article's search
key (``articles.search_key``, archive/search_order.py: publication time × 2**30 + rowid), so
walking the index backwards is walking publication dates backwards, ties (the same second, or the
same bare date) most recently archived first, and articles without a date last. Every key is
unique, so ``?before=`` of a page's last key starts the next page with no gap and no repeat,
also after a backfill of old news. An archive not yet migrated (no ``search_key``, served
read-only) is searched in archive order and says so. Counts by site, province and year are
computed over the newest ``SAMPLE`` matches only and labelled so (exact when there are fewer
matches than that).

Queries ignore tone marks and fold đ→d (the index's folded columns): every word is folded with
:func:`scrapers.extract.text.fold` and quoted, so FTS5 syntax typed by a reader (``"``,
``AND(``, ``*``, ``NEAR``) is searched as words, never parsed; "quoted text" is a phrase.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def plain_fold(text: str) -> str:
    """:func:`scrapers.extract.text.fold` without the package: lower case, no marks, đ→d, words only."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text.lower())
    return " ".join(re.findall(r"\w+", "".join(c for c in decomposed if not unicodedata.combining(c))))


try:
    from scrapers.extract.text import fold
except ImportError:  # published with `--plugins-dir` (README): the plugin files without the package
    fold = plain_fold

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SAMPLE = 1000  # counts by site, province and year cover at most the newest SAMPLE matches
MAX_TERMS = 12
MAX_QUERY_CHARS = 300
TIME_LIMIT_MS = 2000
NO_BEFORE = 2**63 - 1
ORDER_NOTE = "publication order: newest published first (search key descending; undated last)"
ARCHIVE_ORDER_NOTE = "archive order: most recently archived first (rowid descending; archive not migrated)"
_MARK_START, _MARK_END = "\x02", "\x03"
_PIECE = re.compile(r'"([^"]*)"?|([^\s"]+)')
_MARKED = re.compile("\x02([^\x02\x03]*)\x03")

# {key}: the articles column the index rowid stands for (search_key; rowid before m012).
RESULTS_SQL = """select articles_fts.rowid as key, a.rowid as rowid, a.id, a.title, a.site, s.name as site_name,
  coalesce(s.province_2025, s.province) as province, a.published_at,
  snippet(articles_fts, 1, char(2), char(3), '…', 24) as snippet
from articles_fts join articles a on a.{key} = articles_fts.rowid left join sites s on s.slug = a.site
where articles_fts match :match and articles_fts.rowid < :before
order by articles_fts.rowid desc
limit :limit"""
# Only early columns of the article row (site, published_at): no overflow pages of long bodies.
SAMPLE_SQL = f"""select a.site, substr(a.published_at, 1, 4) as year, count(*) as n
from (select rowid from articles_fts where articles_fts match :match order by rowid desc limit {SAMPLE}) m
join articles a on a.{{key}} = m.rowid
group by 1, 2"""
SITES_SQL = "select slug, name, coalesce(province_2025, province) as province from sites"


class SearchError(ValueError):
    """A search the reader has to change (shown as a message, never a server error)."""


def fts_query(text: str) -> str | None:
    """An FTS5 query matching every word (folded, quoted) and "quoted phrase" of ``text``.

    None when ``text`` has no word at all (only punctuation or FTS syntax). Raises
    :class:`SearchError` for a query too long to be a search.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(f"Từ khoá quá dài (tối đa {MAX_QUERY_CHARS} ký tự) / "
                          f"query too long (at most {MAX_QUERY_CHARS} characters)")
    terms: list[str] = []
    for phrase, word in _PIECE.findall(text):
        folded = fold(phrase or word)  # words only: no quote, bracket or operator survives
        if folded and f'"{folded}"' not in terms:
            terms.append(f'"{folded}"')
    if len(terms) > MAX_TERMS:
        raise SearchError(f"Quá nhiều từ (tối đa {MAX_TERMS}) / too many words (at most {MAX_TERMS})")
    return " ".join(terms) or None


def snippet_html(snippet: str | None) -> Markup:
    """The FTS snippet escaped, with the matched words in ``<mark>``."""
    escaped = str(escape(snippet or ""))
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return Markup(marked.replace(_MARK_START, "").replace(_MARK_END, ""))


def snippet_text(snippet: str | None) -> str:
    """The FTS snippet as plain text, the matched words between « and »."""
    return _MARKED.sub(r"«\1»", snippet or "").replace(_MARK_START, "").replace(_MARK_END, "")


async def _database(datasette: Any, name: str | None) -> Any:
    """The database to search: ``?db=`` or the first one with the articles search index."""
    names = [name] if name else [n for n in datasette.databases if n != "_internal"]
    for candidate in names:
        db = datasette.databases.get(candidate)
        if db is not None and await db.table_exists("articles_fts") and await db.table_exists("articles"):
            return db
    raise SearchError("Không có kho tin nào để tìm / no archive with a search index")


_KEYED: set[tuple[str, Any]] = set()  # databases known to have articles.search_key (a column is never dropped)


async def _key_column(db: Any) -> str:
    """``search_key`` when the archive has it (m012), else ``rowid`` (archive order)."""
    known = (db.name, getattr(db, "path", None))
    if known not in _KEYED:
        if "search_key" not in await db.table_columns("articles"):
            return "rowid"
        _KEYED.add(known)
    return "search_key"


def _int_arg(request: Any, name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SearchError(f"Tham số {name} phải là số / {name} must be a whole number") from None
    return max(low, min(high, value))


def _counts(values: dict[str, int], limit: int = 12) -> list[dict[str, Any]]:
    return [{"value": k, "count": v} for k, v in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


async def search(datasette: Any, request: Any) -> dict[str, Any]:
    """The search's results and counts (raises :class:`SearchError` for a query to change)."""
    q = (request.args.get("q") or "").strip()
    size = _int_arg(request, "size", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    before = _int_arg(request, "before", NO_BEFORE, 0, NO_BEFORE)
    db = await _database(datasette, request.args.get("db"))
    await datasette.ensure_permissions(request.actor, [("view-table", (db.name, "articles")),
                                                       ("view-database", db.name), "view-instance"])
    data: dict[str, Any] = {"ok": True, "database": db.name, "q": q, "match": None, "rows": [],
                            "size": size, "before": None if before == NO_BEFORE else before,
                            "next": None, "next_before": None, "order": ORDER_NOTE, "sample": None}
    key = await _key_column(db)
    if key == "rowid":
        data["order"] = ARCHIVE_ORDER_NOTE
    if not q:
        return data
    match = fts_query(q)
    if match is None:
        raise SearchError("Hãy gõ ít nhất một từ (dấu ngoặc và toán tử không được tính) / "
                          "type at least one word (quotes, brackets and operators are not words)")
    data["match"] = match
    params = {"match": match, "before": before, "limit": size + 1}
    try:
        result = await db.execute(RESULTS_SQL.format(key=key), params, custom_time_limit=TIME_LIMIT_MS)
        rows = [dict(r) for r in result.rows]
        sample = None
        if before == NO_BEFORE:  # the counts belong to the first page only
            sample = [dict(r) for r in (await db.execute(SAMPLE_SQL.format(key=key), {"match": match},
                                                         custom_time_limit=TIME_LIMIT_MS)).rows]
            sites = {r["slug"]: r for r in (await db.execute(SITES_SQL)).rows}
    except QueryInterrupted:
        raise SearchError("Tìm kiếm quá lâu, hãy thêm từ / the search took too long: add a word") from None
    except sqlite3.DatabaseError as exc:  # not expected: every word is quoted
        raise SearchError(f"Không tìm được / the search failed: {exc}") from None
    more = len(rows) > size
    rows = rows[:size]
    for row in rows:
        row["url"] = datasette.urls.row(db.name, "articles", tilde_encode(row["id"]))
        row["snippet_html"] = snippet_html(row["snippet"])
        row["snippet"] = snippet_text(row["snippet"])
    data["rows"] = rows
    if more:
        data["next_before"] = rows[-1]["key"]
        path = "/-/search.json" if request.url_vars.get("format") else "/-/search"
        data["next"] = datasette.urls.path(path) + "?" + urlencode(
            {"q": q, "before": rows[-1]["key"], **({"size": size} if size != PAGE_SIZE else {})})
    if sample is not None:
        by_site: dict[str, int] = {}
        by_province: dict[str, int] = {}
        by_year: dict[str, int] = {}
        for r in sample:
            by_site[r["site"]] = by_site.get(r["site"], 0) + r["n"]
            province = (sites.get(r["site"]) or {"province": None})["province"] or "?"
            by_province[province] = by_province.get(province, 0) + r["n"]
            by_year[r["year"] or "?"] = by_year.get(r["year"] or "?", 0) + r["n"]
        total = sum(by_site.values())
        site_rows = _counts(by_site)
        for item in site_rows:
            item["label"] = (sites.get(item["value"]) or {"name": None})["name"] or item["value"]
        data["sample"] = {"size": total, "limit": SAMPLE, "complete": total < SAMPLE,
                          "sites": site_rows, "provinces": _counts(by_province),
                          "years": sorted(_counts(by_year, 50), key=lambda c: c["value"], reverse=True)}
    return data


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    rows = [{k: v for k, v in r.items() if k != "snippet_html"} for r in data["rows"]]
    return {**data, "rows": rows}


async def search_view(datasette: Any, request: Any) -> Response:
    """``/-/search`` and ``/-/search.json``."""
    as_json = bool(request.url_vars.get("format"))
    try:
        data = await search(datasette, request)
        status = 200
    except SearchError as exc:
        data = {"ok": False, "error": str(exc), "q": (request.args.get("q") or "")[:MAX_QUERY_CHARS],
                "rows": [], "next": None, "sample": None}
        status = 400
    if as_json:
        return Response.json(_json_safe(data), status=status)
    db = data.get("database") or next((n for n in datasette.databases if n != "_internal"), None)
    html = await datasette.render_template(
        "search.html", {**data, "db": db, "metadata": datasette.metadata(), "table_search_url": datasette.urls.table(db, "articles") if db else None},
        request=request)
    return Response.html(html, status=status)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """The search page and its JSON."""
    return [(r"^/-/search(?P<format>\.json)?$", search_view)]
