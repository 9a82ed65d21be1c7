"""The published archive in-process: home page, search as Vietnamese users type, the article page, queries."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from archive.serve import DEFAULT_HOST, datasette_app, datasette_command
from tests.publish_fixtures import EVIL_URL, REFORM_URL, REVISED_URL, build_archive


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("publish") / "archive.db")


def get(db_path: Path, *paths: str) -> list:
    async def fetch() -> list:
        ds = datasette_app(db_path)
        return [await ds.client.get(path) for path in paths]
    return asyncio.run(fetch())


def page(db_path: Path, path: str) -> str:
    response = get(db_path, path)[0]
    assert response.status_code == 200, response.text[:500]
    return response.text


def rows(db_path: Path, path: str) -> list[dict]:
    return json.loads(page(db_path, path))


def article_id(db_path: Path, url: str) -> str:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select id from articles where url = ?", [url]).fetchone()[0]


def test_home_page_shows_the_archive_at_a_glance(db_path: Path) -> None:
    html = page(db_path, "/")
    assert 'action="/-/search"' in html and 'name="q"' in html  # the fast search (tests/test_search.py)
    assert 'href="/archive/articles"' in html  # the table search, with facets
    assert "33</strong> tin bài" in html and "20</strong> tin CCHC" in html
    assert html.count('class="bar"') >= 24  # one bar per month, 2023-01 to 2025-12
    assert "Đà Nẵng: sơ kết công tác cải cách hành chính" in html  # latest reform news
    assert "Trung tâm Phục vụ hành chính công tỉnh Nghệ An" in html and "DNS lookup failed" in html
    assert "/archive/province_by_month" in html and "/archive/failing_sites" in html


def test_every_response_has_a_strict_content_security_policy(db_path: Path) -> None:
    for response in get(db_path, "/", f"/archive/articles/{article_id(db_path, EVIL_URL)}", "/archive/articles.json"):
        policy = response.headers["content-security-policy"]
        script = policy.split("script-src")[1].split(";")[0]
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "http" not in script
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("query", ["cai cach hanh chinh", "Cải Cách Hành Chính", "da nang", "ĐÀ NẴNG",
                                   "so ket", "Đà Nẵng sơ kết", "so\u0302\u0301 ke\u0302\u0301t"])
def test_search_as_vietnamese_users_type(db_path: Path, query: str) -> None:
    found = rows(db_path, f"/archive/articles.json?_shape=array&_search={query}")
    assert REFORM_URL in {r["url"] for r in found}


@pytest.mark.parametrize("query", ["hòa đồng", "hoà đồng", "hoa dong", "khỏe mạnh", "khoẻ mạnh"])
def test_search_old_and_new_tone_placement(db_path: Path, query: str) -> None:
    assert len(rows(db_path, f"/archive/articles.json?_shape=array&_size=100&_search={query}")) == 30


def test_search_results_are_newest_first_with_province_facets(db_path: Path) -> None:
    data = rows(db_path, "/archive/articles.json?_search=cai+cach&_facet=province&_facet=province_2025")
    dates = [r[data["columns"].index("published_at")] for r in data["rows"]]
    assert dates == sorted(dates, reverse=True)
    assert "Đà Nẵng" in {f["value"] for f in data["facet_results"]["province_2025"]["results"]}
    assert "Đà Nẵng" in {f["value"] for f in data["facet_results"]["province"]["results"]}


def test_article_page_reads_like_an_article(db_path: Path) -> None:
    html = page(db_path, f"/archive/articles/{article_id(db_path, REFORM_URL)}")
    assert "<h1>Đà Nẵng: sơ kết công tác cải cách hành chính 6 tháng đầu năm 2024</h1>" in html
    assert '<time datetime="2025-07-14T14:39:00+07:00">14/07/2025 14:39</time>' in html
    assert "Sở Khoa học và Công nghệ thành phố Đà Nẵng" in html and "Minh Anh" in html
    assert f'href="{REFORM_URL}"' in html and "Lưu trữ / Archived" in html
    assert "<p>Theo báo cáo, 100% thủ tục hành chính" in html
    assert "<figcaption>Quang cảnh hội nghị sơ kết</figcaption>" in html
    assert 'href="https://dost.danang.gov.vn/files/kehoach-cchc-2024.pdf"' in html


def test_earlier_revisions_are_shown(db_path: Path) -> None:
    html = page(db_path, f"/archive/articles/{article_id(db_path, REVISED_URL)}")
    assert "Bản sửa: công bố 12 thủ tục" in html
    assert "Các phiên bản trước" in html and "Bản đầu: công bố 10 thủ tục" in html


def test_scraped_html_is_sanitised(db_path: Path) -> None:
    html = page(db_path, f"/archive/articles/{article_id(db_path, EVIL_URL)}")
    body = html.split('<div class="rn-body">')[1].split("</div>")[0]
    assert "<p>Nội dung có mã độc đã được làm sạch.</p>" in body
    for bad in ("<script", "onerror", "onclick", "<iframe", "<style", "javascript:", "<img"):
        assert bad not in body, bad
    assert "&lt;script&gt;window.__pwned=9&lt;/script&gt;" in html  # the title, as text
    assert 'href="javascript' not in html and 'src="javascript' not in html and "<b onmouseover" not in html


def test_copies_on_other_sites_when_stories_exist(db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "stories").mkdir()
    copy = tmp_path / "stories" / "archive.db"
    copy.write_bytes(db_path.read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute("update articles set story_id = 424242 where url in (?, ?)", [REFORM_URL, EVIL_URL])
    html = page(copy, f"/archive/articles/{article_id(copy, REFORM_URL)}")
    section = html.split('class="rn-copies"')[1].split("</section>")[0]
    assert "Sở Khoa học và Công nghệ tỉnh Quảng Trị" in section
    top = rows(copy, "/archive/most_republished.json?_shape=array")
    assert top[0]["story_id"] == 424242 and top[0]["sites"] == 2


def test_archive_without_stories_degrades_gracefully(db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    old = tmp_path / "old" / "archive.db"
    old.write_bytes(db_path.read_bytes())
    with sqlite3.connect(old) as conn:
        columns = {r[1] for r in conn.execute("pragma table_info(articles)")}
        if "story_id" in columns:
            for (name,) in conn.execute("select name from sqlite_master where type = 'index' and sql like '%story_id%'").fetchall():
                conn.execute(f"drop index [{name}]")
            conn.execute("alter table articles drop column story_id")
    html = page(old, f"/archive/articles/{article_id(old, REFORM_URL)}")
    assert "rn-copies" not in html and "<h1>Đà Nẵng" in html
    assert get(old, "/archive/most_republished")[0].status_code == 404  # left out, not an error page
    assert "most_republished" not in page(old, "/")


def test_canned_queries(db_path: Path) -> None:
    latest = rows(db_path, "/archive/latest_reform.json?_shape=array")
    assert latest[0]["title"].startswith("Kiểm tra") or latest[0]["published_at"] >= latest[-1]["published_at"]
    months = rows(db_path, "/archive/province_by_month.json?_shape=array&province=Gia+Lai")
    assert months and sum(m["articles"] for m in months) == 7 and months[0]["month"] > months[-1]["month"]
    failing = rows(db_path, "/archive/failing_sites.json?_shape=array")
    assert {f["site"] for f in failing} == {"nghean_hcc", "cantho_sokhcn"}
    assert next(f for f in failing if f["site"] == "nghean_hcc")["last_error"] == "DNS lookup failed"
    assert rows(db_path, "/archive/search.json?_shape=array&q=da+nang")[0]["snippet"]


def test_serving_is_read_only_and_local_by_default(db_path: Path) -> None:
    async def check() -> None:
        ds = datasette_app(db_path)
        assert ds.setting("sql_time_limit_ms") <= 5000
        with pytest.raises(Exception):
            await ds.get_database("archive").execute_write("delete from articles")
        response = await ds.client.get("/archive.json?sql=delete+from+articles")
        assert response.status_code == 400
    asyncio.run(check())
    assert DEFAULT_HOST == "127.0.0.1"
    assert datasette_command(db_path, "m.yml")[-4:-2] == ["-h", "127.0.0.1"]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 33


def test_every_plugin_loads_without_the_package(tmp_path):
    # The README publishes the plugins by copying archive/datasette_*.py into a --plugins-dir of an
    # image where reformnews is not installed: no plugin may import archive/ or scrapers/.
    import subprocess
    import sys

    plugins = sorted((Path(__file__).resolve().parents[1] / "archive").glob("datasette_*.py"))
    assert len(plugins) >= 8
    script = """
import importlib.abc, importlib.util, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("archive", "scrapers", "spiders", "pipelines", "snapshot"):
            raise ImportError(f"package module imported: {name}")
        return None
sys.meta_path.insert(0, Block())
for path in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("plugin_" + path.rsplit("/", 1)[-1][:-3], path)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script, *map(str, plugins)], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
