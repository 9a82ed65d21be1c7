"""The fast search (/-/search, archive/datasette_search.py) in-process: folding, order, pages, bad input."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from archive.datasette_search import fts_query, plain_fold, snippet_html
from archive.serve import datasette_app
from tests.publish_fixtures import EVIL_URL, REFORM_URL, build_archive


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("search") / "archive.db")


def get(db_path: Path, *paths: str) -> list:
    async def fetch() -> list:
        ds = datasette_app(db_path)
        return [await ds.client.get(path) for path in paths]
    return asyncio.run(fetch())


def search(db_path: Path, query: str, extra: str = "") -> dict:
    response = get(db_path, f"/-/search.json?q={quote(query)}{extra}")[0]
    assert response.status_code == 200, response.text[:500]
    return response.json()


def rowid_of(db_path: Path, url: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select rowid from articles where url = ?", [url]).fetchone()[0]


def key_of(db_path: Path, url: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select search_key from articles where url = ?", [url]).fetchone()[0]


def test_query_words_are_folded_and_quoted() -> None:
    assert fts_query("Đà Nẵng") == '"da" "nang"'
    assert fts_query('"cải cách" hành chính') == '"cai cach" "hanh" "chinh"'
    assert fts_query('AND( OR "') == '"and" "or"'
    assert fts_query('" ( ) * :') is None
    assert fts_query("so\u0302\u0301 ke\u0302\u0301t") == '"so" "ket"'


def test_the_plugins_own_fold_matches_the_archives() -> None:
    from scrapers.extract.text import fold
    for text in ["Đà Nẵng", "ĐÀ NẴNG", "hoà hòa Hoà", "khoẻ khỏe", "so\u0302\u0301 ke\u0302\u0301t",
                 "Cải\u00a0cách\u00adhành chính", "một-cửa, (liên thông)", "Thủy lợi 2024_KH", "Ơn Ưu"]:
        assert plain_fold(text) == fold(text), text


@pytest.mark.parametrize("query", ["cai cach hanh chinh", "Cải Cách Hành Chính", "da nang", "ĐÀ NẴNG",
                                   "Đà Nẵng sơ kết", '"so ket"', "so\u0302\u0301 ke\u0302\u0301t"])
def test_unaccented_and_accented_queries_find_the_article(db_path: Path, query: str) -> None:
    data = search(db_path, query, "&size=100")
    assert REFORM_URL in {url for url in _urls(db_path, data)}
    row = next(r for r in data["rows"] if r["title"].startswith("Đà Nẵng: sơ kết"))
    assert row["site"] == "danang_dost" and row["province"] == "Đà Nẵng"
    assert row["published_at"] == "2025-07-14T14:39:00+07:00"
    assert row["url"].startswith("/archive/articles/")
    assert get(db_path, row["url"])[0].status_code == 200


def _urls(db_path: Path, data: dict) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [conn.execute("select url from articles where id = ?", [r["id"]]).fetchone()[0] for r in data["rows"]]


@pytest.mark.parametrize("query", ["hòa đồng", "hoà đồng", "hoa dong", "khỏe mạnh", "khoẻ mạnh"])
def test_old_and_new_tone_placement(db_path: Path, query: str) -> None:
    data = search(db_path, query, "&size=100")
    assert len(data["rows"]) == 30 and data["sample"]["size"] == 30 and data["sample"]["complete"]


def test_a_phrase_needs_its_words_together(db_path: Path) -> None:
    assert search(db_path, '"da nang"')["rows"]
    assert not search(db_path, '"nang da"')["rows"]


def test_newest_published_first_with_snippets(db_path: Path) -> None:
    data = search(db_path, "cai cach hanh chinh", "&size=100")
    keys = [r["key"] for r in data["rows"]]
    assert len(keys) > 10 and keys == sorted(keys, reverse=True)
    assert "publication order" in data["order"]
    reform = next(r for r in data["rows"] if r["title"].startswith("Đà Nẵng"))
    assert "«cải» «cách» «hành» «chính»" in reform["snippet"]


def test_keyset_pagination_walks_every_match_once(db_path: Path) -> None:
    everything = [r["id"] for r in search(db_path, "hoa dong", "&size=100")["rows"]]
    seen, data = [], search(db_path, "hoa dong", "&size=7")
    pages = 1
    assert data["sample"]["size"] == 30  # the counts come with the first page only
    while True:
        seen += [r["id"] for r in data["rows"]]
        if not data["next"]:
            break
        assert data["next"].startswith("/-/search.json?") and f"before={data['next_before']}" in data["next"]
        response = get(db_path, data["next"])[0]
        assert response.status_code == 200
        data, pages = response.json(), pages + 1
        assert data["sample"] is None
    assert seen == everything and pages == 5


def test_before_excludes_newer_rows(db_path: Path) -> None:
    cut = key_of(db_path, REFORM_URL) + 1
    data = search(db_path, "da nang", f"&before={cut}")
    assert data["rows"] and all(r["key"] < cut for r in data["rows"])
    assert not search(db_path, "da nang", "&before=1")["rows"]


def test_counts_over_the_first_matches(db_path: Path) -> None:
    sample = search(db_path, "cai cach")["sample"]
    assert sample["limit"] == 1000 and sample["complete"]
    assert sum(c["count"] for c in sample["sites"]) == sample["size"] == 13
    assert "Đà Nẵng" in {c["value"] for c in sample["provinces"]}
    assert {c["value"] for c in sample["years"]} <= {"2023", "2024", "2025"}


@pytest.mark.parametrize("query", ['"', '""', "AND(", "(", "*", "NEAR(a b", 'da "nang', "a:b", "-x", "^",
                                   "title_folded: da", "'; drop table articles; --", "\\", "%", "🙂"])
def test_malformed_fts_input_never_fails_the_server(db_path: Path, query: str) -> None:
    for path in (f"/-/search.json?q={quote(query)}", f"/-/search?q={quote(query)}"):
        response = get(db_path, path)[0]
        assert response.status_code in (200, 400), (query, response.status_code, response.text[:300])
        if path.startswith("/-/search.json"):
            data = response.json()
            assert data["ok"] == (response.status_code == 200)
            if not data["ok"]:
                assert "word" in data["error"]
        elif response.status_code == 400:
            assert "rn-search-error" in response.text


def test_bad_parameters_are_refused_clearly(db_path: Path) -> None:
    for extra in ("&before=abc", "&size=lots", "&db=nope"):
        response = get(db_path, f"/-/search.json?q=da{extra}")[0]
        assert response.status_code == 400 and response.json()["ok"] is False
    response = get(db_path, "/-/search.json?q=" + "a" * 400)[0]
    assert response.status_code == 400 and "too long" in response.json()["error"]


def test_empty_query_shows_the_form(db_path: Path) -> None:
    response = get(db_path, "/-/search")[0]
    assert response.status_code == 200 and 'name="q"' in response.text and "<ol class=\"rn-list rn-results\"" not in response.text
    assert search(db_path, "")["rows"] == []


def test_results_page_escapes_everything(db_path: Path) -> None:
    response = get(db_path, "/-/search?q=" + quote('ma doc <script>alert(1)</script>'))[0]
    html = response.text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    response = get(db_path, "/-/search?q=ma+doc")[0]
    html = response.text
    assert response.status_code == 200
    assert "Tin có &lt;script&gt;window.__pwned=9&lt;/script&gt; trong tiêu đề" in html
    assert "<script>window.__pwned" not in html
    assert "<mark>mã</mark>" in html
    assert rowid_of(db_path, EVIL_URL) > 0
    scripts = html.count("<script")
    assert scripts == get(db_path, "/-/versions")[0].text.count("<script")  # only Datasette's own (hashed)
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_snippet_markup_is_escaped_before_marking() -> None:
    assert snippet_html("a <b>\x02x\x03</b> \x02") == "a &lt;b&gt;<mark>x</mark>&lt;/b&gt; "


def test_home_page_search_box_uses_the_fast_search(db_path: Path) -> None:
    html = get(db_path, "/")[0].text
    assert 'action="/-/search"' in html and 'name="q"' in html
    assert 'href="/archive/articles"' in html  # the table search stays one click away
