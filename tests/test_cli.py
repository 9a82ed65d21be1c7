"""The `reformnews` CLI: documented commands, clean one-line errors, extract, export, sites, crawl, demo."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.store import Archive
from scrapers.items import Article
from scrapers.registry import load_registry

BASE = "https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin="
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Cải cách hành chính</title></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/lien-he">Liên hệ</a></nav>
<article><h1>Sở Khoa học đẩy mạnh cải cách hành chính năm 2024</h1>
<p class="date">Ngày đăng: 14/07/2024 14:39</p>
<p>Sáng ngày 14/7, Sở Khoa học và Công nghệ tổ chức hội nghị triển khai công tác cải cách hành chính
năm 2024 với sự tham dự của lãnh đạo các phòng, đơn vị trực thuộc.</p>
<p>Hội nghị thống nhất nhiều giải pháp nâng cao chỉ số hài lòng của người dân và doanh nghiệp
đối với sự phục vụ của cơ quan hành chính nhà nước trên địa bàn tỉnh.</p>
</article><footer>Bản quyền thuộc Sở Khoa học và Công nghệ</footer></body></html>"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.sync_sites(load_registry().values())
        archive.upsert_article(Article(url=BASE + "1", site="binhdinh_skhcn", title="Cải cách hành chính",
                                       body="Nội dung.", published_at="2024-02-01T08:00:00+07:00"))
    return path


def test_every_command_is_documented_with_an_example(runner):
    assert main.commands
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output and f"reformnews {name}" in result.output, name
    assert "Example" in runner.invoke(main, ["--help"]).output


def test_extract_one_file(runner, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    result = runner.invoke(main, ["extract", str(page), "--url", "https://example.gov.vn/tin/1"])
    assert result.exit_code == 0, result.output
    article = json.loads(result.output)
    for key in ("url", "title", "published_at", "author", "body", "images", "attachments"):
        assert key in article
    assert article["url"] == "https://example.gov.vn/tin/1"
    assert "cải cách hành chính" in article["title"]
    assert "Bản quyền" not in article["body"]


def test_extract_batch_keeps_order_and_reports_bad_lines(runner, tmp_path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    manifest = tmp_path / "pages.jsonl"
    manifest.write_text("\n".join([
        json.dumps({"path": "a.html", "url": "https://example.gov.vn/tin/1"}),
        json.dumps({"path": "missing.html", "url": "https://example.gov.vn/tin/2"}),
        "this is not json",
        json.dumps({"path": str(tmp_path / "a.html")}),
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["extract", "--batch", str(manifest)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["path"] for line in lines] == ["a.html", "missing.html", None, str(tmp_path / "a.html")]
    assert "cải cách" in lines[0]["title"] and "error" not in lines[0]
    assert "no such file" in lines[1]["error"] and "error" in lines[2]
    assert lines[3]["url"].startswith("file://")


def test_extract_needs_a_file_or_a_batch(runner, tmp_path):
    result = runner.invoke(main, ["extract"])
    assert result.exit_code != 0 and "FILE or --batch" in result.output
    result = runner.invoke(main, ["extract", str(tmp_path / "none.html")])
    assert result.exit_code == 1 and result.output.strip().startswith("Error:") and "Traceback" not in result.output


def test_export_command(runner, db_path, tmp_path):
    result = runner.invoke(main, ["export", "--db", str(db_path), "--since", "2024-01-01"])
    assert result.exit_code == 0
    assert json.loads(result.output.splitlines()[0])["url"] == BASE + "1"
    out = tmp_path / "out" / "all.json"
    result = runner.invoke(main, ["export", "--db", str(db_path), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0 and len(json.loads(out.read_text(encoding="utf-8"))) == 1
    result = runner.invoke(main, ["export", "--db", str(db_path), "-o", str(db_path)])
    assert result.exit_code == 1 and "refusing" in result.output and len(result.output.splitlines()) == 1
    result = runner.invoke(main, ["export", "--db", str(db_path), "--since", "yesterday"])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_db_defaults_to_the_environment(runner, db_path, monkeypatch):
    monkeypatch.setenv("REFORMNEWS_DB", str(db_path))
    result = runner.invoke(main, ["export"])
    assert result.exit_code == 0 and BASE + "1" in result.output


def test_sites_table(runner, db_path):
    result = runner.invoke(main, ["sites", "--db", str(db_path)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:2] == ["site", "province"]
    row = next(line for line in lines if line.startswith("binhdinh_skhcn"))
    assert "2024-02-01" in row and " 1 " in row
    assert len(lines) == len(load_registry()) + 2


def test_sites_table_shows_each_sites_options(runner, db_path):
    result = runner.invoke(main, ["sites", "--db", str(db_path)])
    lines = result.output.splitlines()
    assert lines[0].split()[-1] == "options"
    registry = load_registry()
    assert registry["daklak"].options.download_delay == 3.0 and registry["daklak"].options.listing_max_pages == 50
    daklak = next(line for line in lines if line.startswith("daklak "))
    assert daklak.endswith("download_delay=3, listing_max_pages=50"), daklak
    for slug, site in registry.items():
        given = {k: v for k, v in vars(site.options).items() if v is not None}
        row = next(line for line in lines if line.startswith(slug + " "))
        assert all(f"{name}=" in row for name in given) and row.count("=") == len(given), row
    plain = next(line for line in lines if line.startswith("binhdinh_skhcn "))
    assert "=" not in plain


@dataclass
class FakeSummary:
    run_id: int = 1
    status: str = "ok"
    ok: bool = True
    counts: dict = field(default_factory=dict)
    per_site: dict = field(default_factory=lambda: {"binhdinh_skhcn": {"new": 3, "errors": 1}})


def test_crawl_calls_run_crawl_and_prints_the_summary(runner, tmp_path, monkeypatch):
    import spiders.run

    calls = []
    monkeypatch.setattr(spiders.run, "run_crawl", lambda db, **kw: calls.append((db, kw)) or FakeSummary())
    result = runner.invoke(main, ["crawl", "--site", "binhdinh_skhcn", "--db", str(tmp_path / "x" / "a.db")])
    assert result.exit_code == 0, result.output
    assert calls[0][1] == {"sites": ["binhdinh_skhcn"], "url": None, "allow_private": False}
    assert "binhdinh_skhcn" in result.output and "run 1: ok" in result.output
    monkeypatch.setattr(spiders.run, "run_crawl", lambda db, **kw: FakeSummary(status="failed", ok=False))
    assert runner.invoke(main, ["crawl", "--db", str(tmp_path / "a.db")]).exit_code == 1


def test_crawl_unknown_site_lists_the_known_ones(runner, tmp_path):
    result = runner.invoke(main, ["crawl", "--site", "khong_co", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1
    assert "unknown site khong_co" in result.output and "binhdinh_skhcn" in result.output


def fake_demo(monkeypatch, calls):
    import spiders.run

    build = types.ModuleType("snapshot.build")
    build.build_snapshot = lambda out: calls.append(("snapshot", out)) or out
    monkeypatch.setitem(sys.modules, "snapshot.build", build)
    monkeypatch.setattr(spiders.run, "run_crawl", lambda db, **kw: calls.append(("crawl", db, kw)) or FakeSummary())


def test_demo_recreates_only_its_own_database(runner, tmp_path, monkeypatch, db_path):
    calls = []
    fake_demo(monkeypatch, calls)
    demo_db = tmp_path / "d" / "demo.db"
    result = runner.invoke(main, ["demo", "--no-serve", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    assert calls[0] == ("snapshot", tmp_path / "d" / "snapshot")
    assert calls[1][2] == {"sites": None, "snapshot_dir": tmp_path / "d" / "snapshot"}
    with Archive(demo_db) as archive:
        archive.upsert_article(Article(url=BASE + "9", site="binhdinh_skhcn", title="t", body="b"))
    assert runner.invoke(main, ["demo", "--no-serve", "--db", str(demo_db)]).exit_code == 0
    with Archive(demo_db) as archive:
        assert archive.db["articles"].count == 0  # recreated
    result = runner.invoke(main, ["demo", "--no-serve", "--db", str(db_path)])
    assert result.exit_code == 1 and "not created by `reformnews demo`" in result.output
    with Archive(db_path) as archive:
        assert archive.db["articles"].count == 1  # the real archive is untouched


def test_serve_and_status_on_a_missing_database(runner, tmp_path):
    for command in ("serve", "status"):
        result = runner.invoke(main, [command, "--db", str(tmp_path / "none.db")])
        assert result.exit_code == 1 and "no archive" in result.output, command


def test_status_lists_runs(runner, db_path):
    with Archive(db_path) as archive:
        archive.finish_run(archive.start_run("site", ["binhdinh_skhcn"]), {"new": 1}, "ok")
    result = runner.invoke(main, ["status", "--db", str(db_path)])
    assert result.exit_code == 0 and " ok " in result.output
