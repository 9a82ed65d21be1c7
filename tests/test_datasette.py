"""Datasette serves the archive: JSON API, Vietnamese search with and without tone marks, safe pages."""

from __future__ import annotations

import asyncio
import json

import pytest
import yaml

from archive.serve import METADATA_PATH, datasette_app, load_metadata
from archive.store import Archive
from scrapers.items import Article, Image
from scrapers.registry import load_registry

BASE = "https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin="


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("ds") / "archive.db"
    with Archive(path) as archive:
        archive.sync_sites(load_registry().values())
        archive.upsert_article(Article(
            url=BASE + "1", site="binhdinh_skhcn", reform=True, published_at="2024-03-01T08:00:00+07:00",
            title="Đẩy mạnh cải cách hành chính ở Đà Nẵng <script>alert('t')</script>",
            body="Công trình thuỷ lợi được nghiệm thu.\n<img src=x onerror=alert('b')>",
            images=[Image(src="javascript:alert('i')", caption="Ảnh")]))
        archive.upsert_article(Article(
            url=BASE + "2", site="binhdinh_skhcn", published_at="2023-01-05T08:00:00+07:00",
            title="Hội thao ngành khoa học", body="Giải bóng đá giao hữu."))
    return path


def get(db_path, path: str):
    async def fetch():
        ds = datasette_app(db_path)
        return await ds.client.get(path)
    return asyncio.run(fetch())


def rows(db_path, path: str) -> list[dict]:
    response = get(db_path, path)
    assert response.status_code == 200, response.text[:500]
    return json.loads(response.text)


def test_json_api_lists_articles_newest_first(db_path):
    data = rows(db_path, "/archive/articles.json?_shape=array")
    assert [r["url"] for r in data] == [BASE + "1", BASE + "2"]


@pytest.mark.parametrize("query", ["cai+cach+hanh+chinh", "cải+cách+hành+chính", "da+nang",
                                   "Đà+Nẵng", "thuy+loi", "thủy+lợi", "thuỷ+lợi"])
def test_table_search_with_and_without_tone_marks(db_path, query):
    data = rows(db_path, f"/archive/articles.json?_shape=array&_search={query}")
    assert [r["url"] for r in data] == [BASE + "1"]


def test_facets_and_canned_queries(db_path):
    data = rows(db_path, "/archive/articles.json?_facet=year&_facet=reform&_facet=site")
    facets = data["facet_results"]
    assert {f["value"] for f in facets["year"]["results"]} == {2024, 2023}
    assert rows(db_path, "/archive/latest_reform.json?_shape=array")[0]["title"].startswith("Đẩy mạnh")
    found = rows(db_path, "/archive/search.json?_shape=array&q=da+nang")
    assert len(found) == 1 and found[0]["snippet"]


def test_row_page_escapes_scraped_html(db_path):
    article_id = rows(db_path, "/archive/articles.json?_shape=array&_search=da+nang")[0]["id"]
    page = get(db_path, f"/archive/articles/{article_id}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert 'href="javascript' not in page  # the image's javascript: src is shown as text, never linked
    assert f'href="{BASE}1"' in page
    assert "<p>Công trình thuỷ lợi được nghiệm thu.</p>" in page


def test_other_row_pages_keep_the_default_template(db_path):
    assert get(db_path, "/archive/sites/binhdinh_skhcn").status_code == 200


def test_metadata_tables_exist(db_path):
    import sqlite_utils

    tables = set(sqlite_utils.Database(db_path).table_names())
    named = set(yaml.safe_load(METADATA_PATH.read_text())["databases"]["archive"]["tables"])
    assert named <= tables | {"_sqlite_migrations"}
    assert "demo" in load_metadata("demo")["databases"]


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no archive"):
        datasette_app(tmp_path / "none.db")
