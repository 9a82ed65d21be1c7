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


@pytest.fixture(scope="module")
def merged_db(tmp_path_factory):
    """An archive where a later copy bridged two stories (one merged into the other), plus a new story
    stored after the merge and an older merge (id 90) that pointed at the story that went."""
    import sqlite_utils

    from tests.test_dedupe import BD, LS, QT, STORY, TEMPLATE_BD, article, story_of

    path = tmp_path_factory.mktemp("merged") / "archive.db"
    head = article(QT, "https://sokhcn.quangtri.gov.vn/tin/7", STORY[:3], published_at="2022-07-15T09:00:00+07:00")
    tail = article(LS, "https://skhcn.langson.gov.vn/node/5", STORY[2:], published_at="2022-07-16T08:00:00+07:00")
    whole = article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY)
    with Archive(path) as archive:
        archive.sync_sites(load_registry().values())
        archive.upsert_article(head)
        archive.upsert_article(tail)
        apart = {story_of(archive, head.url), story_of(archive, tail.url)}
        archive.upsert_article(whole)
        kept = story_of(archive, whole.url)
        later = article(BD, "https://skhcn.binhdinh.gov.vn/tin/2", TEMPLATE_BD, title="Kế hoạch")
        archive.upsert_article(later)
        fresh = story_of(archive, later.url)
    (gone,) = apart - {kept}
    db = sqlite_utils.Database(path)
    db["story_merges"].insert({"story_id": 90, "merged_into": gone, "merged_at": "2022-07-20T00:00:00+07:00",
                               "article_id": "x"})
    return path, gone, kept, fresh


def test_a_merged_story_leads_to_the_story_it_joined(merged_db):
    path, gone, kept, fresh = merged_db
    assert fresh not in (gone, kept)  # a merged story's id is never given to a new story
    redirect = get(path, f"/archive/stories/{gone}")
    assert redirect.status_code == 302 and redirect.headers["location"] == f"/archive/stories/{kept}"
    chained = get(path, "/archive/stories/90.json?_shape=object")
    assert chained.status_code == 302 and chained.headers["location"] == f"/archive/stories/{kept}.json?_shape=object"
    assert get(path, f"/archive/stories/{kept}").status_code == 200
    assert get(path, f"/archive/stories/{fresh}").status_code == 200
    assert get(path, "/archive/stories/12345").status_code == 404  # never a story: still 404
    assert get(path, "/archive/articles/nope").status_code == 404


def test_export_unique_ignores_merged_stories(merged_db, tmp_path):
    import sqlite3

    from archive.export import export_stories

    path, gone, kept, fresh = merged_db
    out = tmp_path / "stories.jsonl"
    assert export_stories(path, str(out), fmt="jsonl") == 2
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["story_id"] for r in records) == sorted([kept, fresh])
    merged_away = {r[0] for r in sqlite3.connect(path).execute("select story_id from story_merges")}
    assert gone in merged_away and not merged_away & {r["story_id"] for r in records}
    assert len(next(r for r in records if r["story_id"] == kept)["copies"]) == 3
