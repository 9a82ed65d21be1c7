"""The fast search (/-/search) in publication order: a backfill of old news after new news, keyset
pages without gaps or repeats, the migration of an archive with data, a revision that moves an article."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlite_utils

from archive import migrations
from archive.serve import datasette_app
from archive.store import Archive
from scrapers.extract.text import fold
from scrapers.items import Article
from scrapers.registry import load_registry

WORD = "thủ tục một cửa"


def get_json(db_path: Path, *paths: str) -> list[dict]:
    async def fetch() -> list[dict]:
        ds = datasette_app(db_path)
        out = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, response.text[:300]
            out.append(response.json())
        return out
    return asyncio.run(fetch())


def walk(db_path: Path, query: str, size: int) -> tuple[list[dict], int]:
    """Every result of ``query`` following the ``next`` links; and the number of pages."""
    data = get_json(db_path, f"/-/search.json?q={quote(query)}&size={size}")[0]
    rows, pages = list(data["rows"]), 1
    while data["next"]:
        data = get_json(db_path, data["next"])[0]
        rows += data["rows"]
        pages += 1
    return rows, pages


def article(n: int, published_at: str | None, extra: str = "") -> Article:
    return Article(url=f"https://dost.danang.gov.vn/tin-tuc/-/view/{n}", site="danang_dost",
                   title=f"Tin số {n}: {WORD} {extra}".strip(), published_at=published_at,
                   body=f"Bài {n} về {WORD} tại Đà Nẵng. {extra}".strip(), word_count=12)


def moment(published_at: str | None) -> float:
    """Publication time as a number (a bare date is midnight in Vietnam; undated: before everything)."""
    if published_at is None:
        return float("-inf")
    text = published_at + "T00:00:00+07:00" if len(published_at) == 10 else published_at
    return datetime.fromisoformat(text).astimezone(timezone.utc).timestamp()


def expected_order(db_path: Path) -> list[str]:
    """Article ids newest published first, ties most recently archived first, undated last."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("select id, published_at, rowid from articles").fetchall()
    return [r[0] for r in sorted(rows, key=lambda r: (moment(r[1]), r[2]), reverse=True)]


# Archive order and publication order disagree: the first crawl stores this year's news, a
# backfill of the old listing pages then adds older news (newer rowids), same-day twins and
# bare dates (ties), timestamps in another offset and one article without a date.
NEW_NEWS = [(1, "2025-06-01T08:00:00+07:00"), (2, "2025-05-20T10:30:00+07:00"), (3, "2025-05-20"),
            (4, "2025-07-02T01:00:00+07:00")]
BACKFILL = [(5, "2019-03-04T09:00:00+07:00"), (6, "2020-11-11"), (7, "2020-11-11"), (8, None),
            (9, "2025-05-19T20:00:00+00:00"),  # 2025-05-20T03:00+07:00: after the bare date 2025-05-20
            (10, "2018-01-01T00:00:00+07:00"), (11, "2025-07-02T01:00:00+07:00"), (12, "2021-02-03T10:00:00+07:00")]


@pytest.fixture
def backfilled(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.sync_sites(load_registry().values())
        for n, published in [*NEW_NEWS, *BACKFILL]:
            assert archive.upsert_article(article(n, published)) == "new"
    return path


def test_a_backfill_is_searched_in_publication_order(backfilled: Path) -> None:
    expected = expected_order(backfilled)
    with sqlite3.connect(backfilled) as conn:  # the premise: archive order is not publication order
        assert [r[0] for r in conn.execute("select id from articles order by rowid desc")] != expected
    data = get_json(backfilled, f"/-/search.json?q={quote('thu tuc mot cua')}&size=100")[0]
    assert [r["id"] for r in data["rows"]] == expected
    assert "publication order" in data["order"]
    assert data["rows"][-1]["published_at"] is None  # undated last
    assert data["rows"][0]["published_at"] == "2025-07-02T01:00:00+07:00"
    assert sorted(c["value"] for c in data["sample"]["years"]) == ["2018", "2019", "2020", "2021", "2025", "?"]


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_keyset_pages_follow_publication_order_without_gaps_or_repeats(backfilled: Path, size: int) -> None:
    rows, pages = walk(backfilled, "Đà Nẵng", size)
    ids = [r["id"] for r in rows]
    assert ids == expected_order(backfilled)  # every article once, in order, across the pages
    assert pages == -(-len(ids) // size)
    html = asyncio.run(datasette_app(backfilled).client.get("/-/search?q=da+nang&size=3")).text
    assert "Newest published first" in html and "before=" in html


def test_a_revision_with_a_new_date_moves_the_article(backfilled: Path) -> None:
    with Archive(backfilled) as archive:  # article 10, the oldest, is republished with a new date and text
        assert archive.upsert_article(article(10, "2025-08-15T07:00:00+07:00", "cập nhật tiến độ")) == "updated"
        assert archive.upsert_article(article(6, "2025-08-16")) == "updated"  # a new date, the same text
    expected = expected_order(backfilled)
    rows, _ = walk(backfilled, "da nang", 4)
    assert [r["id"] for r in rows] == expected
    assert [r["title"] for r in rows[:2]] == ["Tin số 6: thủ tục một cửa", "Tin số 10: thủ tục một cửa cập nhật tiến độ"]
    assert [r["title"] for r in walk(backfilled, "cap nhat tien do", 20)[0]] == [rows[1]["title"]]
    with sqlite3.connect(backfilled) as conn:
        keys = [r[0] for r in conn.execute("select search_key from articles order by search_key")]
        assert keys == [r[0] for r in conn.execute("select rowid from articles_fts order by rowid")]
        # Any writer: a date fixed by hand moves the search row too (the triggers), and a delete removes it.
        conn.execute("update articles set published_at = '2030-01-01' where url like '%/view/5'")
        conn.commit()
        assert [r["id"] for r in get_json(backfilled, "/-/search.json?q=da+nang")[0]["rows"]][0] == \
            conn.execute("select id from articles where url like '%/view/5'").fetchone()[0]
        conn.execute("delete from articles where url like '%/view/1'")
        assert conn.execute("select count(*) from articles_fts").fetchone()[0] == len(keys) - 1
        assert conn.execute("select count(*) from articles_fts f join articles a on a.search_key = f.rowid "
                            "where articles_fts match 'da'").fetchone()[0] == len(keys) - 1


def test_the_migration_converts_an_archive_with_data(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = sqlite_utils.Database(path)
    migrations.migrations.apply(db, stop_before="m012_search_in_publication_order")
    db["sites"].insert({"slug": "danang_dost", "name": "Sở KH&CN Đà Nẵng", "province": "Đà Nẵng"})
    for rowid, (n, published) in enumerate([*NEW_NEWS, *BACKFILL], start=1):  # archive order: as crawled
        title, body = f"Tin số {n}: Đà Nẵng {WORD}", f"Bài {n}: cải cách hành chính ở Đà Nẵng."
        db.execute("insert into articles (rowid, id, url, site, title, body, content_hash, published_at) "
                   "values (?, ?, ?, 'danang_dost', ?, ?, ?, ?)",
                   [rowid, f"{n:016x}", f"https://dost.danang.gov.vn/{n}", title, body, f"h{n}", published])
        db.execute("insert into articles_fts (rowid, title, body, title_folded, body_folded) values (?, ?, ?, ?, ?)",
                   [rowid, title, body, fold(title), fold(body)])
    db.conn.commit()
    assert "search_key" not in db["articles"].columns_dict
    # The old archive served read-only before it is migrated: archive order, said so.
    data = get_json(path, "/-/search.json?q=da+nang&size=100")[0]
    assert "archive order" in data["order"] and len(data["rows"]) == 12
    assert len(get_json(path, "/archive/articles.json?_shape=array&_size=100&_search=da+nang")[0]) == 12
    db.close()

    with Archive(path) as archive:  # opening for writing applies m012
        assert not migrations.migrations.pending(archive.db)
    expected = expected_order(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("select count(*), count(distinct search_key) from articles").fetchone() == (12, 12)
        assert sorted(r[0] for r in conn.execute("select search_key from articles")) == \
            [r[0] for r in conn.execute("select rowid from articles_fts order by rowid")]
    for query, size in [("da nang", 100), ('"cai cach hanh chinh"', 5), ("Đà Nẵng một cửa", 3)]:
        rows, _ = walk(path, query, size)
        assert [r["id"] for r in rows] == expected, query
    first = get_json(path, "/-/search.json?q=cai+cach")[0]
    assert "«cải» «cách»" in first["rows"][0]["snippet"] and first["sample"]["size"] == 12
    table = get_json(path, "/archive/articles.json?_shape=array&_size=100&_search=da+nang",
                     "/archive/search.json?_shape=array&q=da+nang")
    assert len(table[0]) == 12 and [r["id"] for r in table[1]] == expected
    with Archive(path) as archive:  # the migrated archive keeps its index right on revisions
        archive.upsert_article(Article(url="https://dost.danang.gov.vn/10", site="danang_dost", title="Tin số 10 mới",
                                       published_at="2026-01-01", body="Bài 10: Đà Nẵng đổi mới.", word_count=5))
    assert get_json(path, "/-/search.json?q=da+nang")[0]["rows"][0]["title"] == "Tin số 10 mới"


def test_the_python_key_equals_the_triggers() -> None:
    from archive.search_order import key_sql, search_key

    conn = sqlite3.connect(":memory:")
    for value in ["2025-07-14T14:39:00+07:00", "2025-07-14", "2025-07-14T14:39:00", "1899-12-31",
                  "1969-07-20T20:17:40+00:00", "2024-02-29T23:59:59-05:00", None, "", "không rõ", "2025-07"]:
        for rowid in (1, 977, 2**30 - 1):
            sql = conn.execute(f"select {key_sql('?1', '?2')}", [value, rowid]).fetchone()[0]
            assert search_key(value, rowid) == sql, (value, rowid)
    assert search_key("2025-01-01", 5) > search_key("2024-12-31T23:59:59+07:00", 2**30 - 1) > search_key(None, 2**30 - 1)
