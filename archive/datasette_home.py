"""Datasette plugin: the figures of the home page (counts, a monthly chart, latest news, crawl health)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from datasette import hookimpl

CHART_MONTHS = 36  # the chart shows at most the last three years that have articles
CHART_WIDTH, CHART_HEIGHT = 720, 160
_CACHE: dict[tuple[Any, ...], dict[str, Any]] = {}

TOTALS_SQL = """select (select count(*) from articles) as articles,
  (select count(*) from articles where reform = 1) as reform,
  (select count(*) from sites) as sites,
  (select min(published_at) from articles where published_at is not null) as oldest,
  (select max(published_at) from articles) as newest"""
PROVINCES_SQL = """select coalesce(province_2025, province) as province, count(*) as articles
from articles group by 1 order by articles desc"""
SITES_SQL = """select a.site, s.name, coalesce(a.province_2025, a.province) as province, a.articles, a.newest
from (select site, province, province_2025, count(*) as articles, max(published_at) as newest
      from articles group by site) a left join sites s on s.slug = a.site
order by a.articles desc"""
MONTHS_SQL = """select substr(published_at, 1, 7) as month, count(*) as articles from articles
where published_at >= :since group by 1 order by 1"""
REFORM_MONTHS_SQL = """select substr(published_at, 1, 7) as month, count(*) as articles from articles
where reform = 1 and published_at >= :since group by 1"""
LATEST_SQL = """select a.id, a.title, a.site, s.name as site_name, a.published_at
from articles a left join sites s on s.slug = a.site
where a.reform = 1 order by a.published_at desc limit 8"""
LAST_RUN_SQL = "select id, status, started_at, finished_at from crawl_runs order by id desc limit 1"


@dataclass
class Bar:
    """One month of the chart, in SVG coordinates."""

    month: str
    articles: int
    reform: int
    x: float
    width: float
    height: float
    reform_height: float


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last`` inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def chart_bars(counts: dict[str, int], reform: dict[str, int]) -> list[Bar]:
    """Bars for each month from the first to the last with articles (zero months included)."""
    if not counts:
        return []
    months = month_range(min(counts), max(counts))[-CHART_MONTHS:]
    peak = max(counts.get(m, 0) for m in months) or 1
    width = CHART_WIDTH / len(months)
    bars = []
    for n, month in enumerate(months):
        total, ref = counts.get(month, 0), reform.get(month, 0)
        bars.append(Bar(month, total, ref, round(n * width, 2), round(max(width - 1, 1), 2),
                        round(CHART_HEIGHT * total / peak, 2), round(CHART_HEIGHT * ref / peak, 2)))
    return bars


def _since(newest: str | None) -> str:
    """The first month the chart can show, given the newest publication date."""
    if not newest or len(newest) < 7:
        return "0000"
    year, month = int(newest[:4]), int(newest[5:7])
    index = year * 12 + month - 1 - (CHART_MONTHS - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def _rows(db: Any, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    result = await db.execute(sql, params or {})
    return [dict(r) for r in result.rows]


async def failing_sites(datasette: Any, db_name: str) -> list[dict[str, Any]]:
    """Rows of the canned query ``failing_sites`` (one SQL for the home page and the query page)."""
    query = await datasette.get_canned_query(db_name, "failing_sites", None)
    if not query:
        return []
    return await _rows(datasette.get_database(db_name), query["sql"])


def _cache_key(db: Any) -> tuple[Any, ...]:
    """Changes whenever the database file or its write-ahead log changes."""
    parts: list[Any] = [db.name, db.path]
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(str(db.path) + suffix)
            parts += [stat.st_mtime_ns, stat.st_size]
        except (OSError, TypeError):
            parts += [None, None]
    return tuple(parts)


async def home_data(datasette: Any, db_name: str) -> dict[str, Any]:
    """Everything the home page shows, cached until the database file changes."""
    db = datasette.get_database(db_name)
    key = _cache_key(db)
    if key in _CACHE:
        return _CACHE[key]
    totals = (await _rows(db, TOTALS_SQL))[0]
    since = _since(totals["newest"])
    counts = {r["month"]: r["articles"] for r in await _rows(db, MONTHS_SQL, {"since": since}) if r["month"]}
    reform = {r["month"]: r["articles"] for r in await _rows(db, REFORM_MONTHS_SQL, {"since": since})}
    data = {
        "database": db_name,
        "totals": totals,
        "provinces": await _rows(db, PROVINCES_SQL),
        "sites": await _rows(db, SITES_SQL),
        "bars": chart_bars(counts, reform),
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT, "peak": max(counts.values(), default=0)},
        "latest": await _rows(db, LATEST_SQL),
        "failing": await failing_sites(datasette, db_name),
        "last_run": next(iter(await _rows(db, LAST_RUN_SQL)), None),
    }
    _CACHE.clear()
    _CACHE[key] = data
    return data


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> dict[str, Any]:
    """``rn_home(db_name)`` for the index page template."""
    if template != "index.html":
        return {}

    async def rn_home(db_name: str) -> dict[str, Any]:
        return await home_data(datasette, db_name)

    return {"rn_home": rn_home}
