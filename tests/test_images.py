"""Article images kept in the archive: the snapshot's image files (good and hostile), the pipeline
that fetches and verifies them, the images tables, the Datasette route and the export."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import struct
import zlib
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from PIL import Image as PILImage

from archive.images import ImageStore
from archive.store import Archive
from pipelines.images import ImagesPipeline, check_image
from scrapers.items import Article, Image
from tests.test_attachments import FakeCrawler, FakeEngine

SCHEMA = json.loads((Path(__file__).parents[1] / "archive" / "article.schema.json").read_text(encoding="utf-8"))


def registered_images(manifest: dict) -> dict[str, dict]:
    """Manifest truth of every image of the registry sites' articles, keyed by URL, with its articles."""
    out: dict[str, dict] = {}
    for site in manifest["sites"].values():
        if not site["registered"]:
            continue
        for article in site["articles"]:
            for url in article["images"]:
                entry = out.setdefault(url, {**manifest["images"][url], "articles": []})
                entry["articles"].append(article["url"])
    return out


def png(width: int, height: int, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` pixels, with no real pixel data (a bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


# --- the snapshot -------------------------------------------------------------------------------

def test_snapshot_serves_real_images_and_hostile_ones(snapshot_dir: Path, manifest: dict) -> None:
    index = {json.loads(line)["url"]: json.loads(line)
             for line in (snapshot_dir / "index.jsonl").read_text(encoding="utf-8").splitlines()}
    images = manifest["images"]
    referenced = {u for site in manifest["sites"].values() for a in site["articles"] for u in a["images"]}
    assert set(images) == referenced and len(images) >= 200
    assert Counter(v["expect"] for v in images.values() if v["expect"] != "ok") == {"missing": 1, "html": 1, "corrupt": 1}
    for url, truth in images.items():
        row = index.get(url)
        if truth["expect"] == "missing":
            assert row is None  # the replay handler answers 404
            continue
        body = (snapshot_dir / row["body"]).read_bytes()
        ctype = row["headers"]["Content-Type"]
        if truth["expect"] == "html":
            assert ctype.startswith("text/html") and body.lstrip().startswith(b"<!DOCTYPE html>")
        elif truth["expect"] == "corrupt":
            assert ctype == "image/jpeg" and body.startswith(b"\xff\xd8")
            with pytest.raises(OSError), PILImage.open(io.BytesIO(body)) as broken:
                broken.load()
        else:
            assert ctype == truth["mime"] and hashlib.sha256(body).hexdigest() == truth["sha256"]
            assert 1000 < len(body) < 20000
            with PILImage.open(io.BytesIO(body)) as picture:
                assert (PILImage.MIME[picture.format], picture.size) == (ctype, (truth["width"], truth["height"]))
    # A story republished on another site shows the same picture under another URL.
    shas = Counter(v["sha256"] for v in images.values() if v["expect"] == "ok")
    assert sum(1 for n in shas.values() if n >= 2) >= 5


# --- checking bytes -----------------------------------------------------------------------------

def test_check_image_verifies_and_never_raises() -> None:
    good = check_image(png(40, 30), "image/png")
    assert (good.ok, good.mime, good.width, good.height) == (True, "image/png", 40, 30)
    assert check_image(png(40, 30), "application/octet-stream").mime == "image/png"  # the bytes decide
    cases = {
        b"": "not_image",
        "<!DOCTYPE html><html><body>Lỗi</body></html>".encode(): "not_image",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>": "not_image",
        png(40, 30)[:60]: "broken",
        png_header_only(30000, 30000): "too_large",
        png_header_only(100000, 100000): "too_large",
        b"\xff\xd8\xff\xe0" + b"\x00" * 50: "not_image",  # a JPEG start Pillow cannot even identify
    }
    for data, status in cases.items():
        result = check_image(data, "image/jpeg")
        assert (result.ok, result.status) == (False, status), (data[:20], result)
        assert result.reason
    assert "HTML page" in (check_image(b"<html></html>", "text/html; charset=utf-8").reason or "")
    # Over MAX_PIXELS (40M) but under Pillow's own bomb limit (~179M): refused by the pipeline's guard.
    huge = check_image(png_header_only(7000, 7000), "image/png")
    assert (huge.ok, huge.status) == (False, "too_large") and "too large to keep" in (huge.reason or ""), huge


# --- the pipeline -------------------------------------------------------------------------------

SITE = "https://skhcn.binhdinh.gov.vn"


def article(n: int, *srcs: str) -> Article:
    return Article(url=f"{SITE}/tin/{n}", title=f"Tin số {n} về CCHC", body=f"Nội dung bài {n}.",
                   site="binhdinh_skhcn", images=[Image(src=s, caption=f"Ảnh {i}") for i, s in enumerate(srcs)],
                   published_at="2022-06-21")


def test_pipeline_keeps_each_file_once_and_records_failures(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    red, blue = png(64, 48), png(64, 48, (20, 20, 220))
    shared, copy, gone, html, big, offsite = (f"{SITE}/upload/{name}" for name in
                                              ("a.png", "copy-of-a.png", "gone.jpg", "loi.jpg", "big.png", "x.png"))
    first = article(1, shared, gone, html, big, "data:image/png;base64,AAAA")
    second = article(2, shared, copy, f"{SITE}/upload/b.png", gone)
    with Archive(db) as archive:
        archive.ensure_site("binhdinh_skhcn", SITE + "/")
        archive.upsert_article(first)
        archive.upsert_article(second)
    engine = FakeEngine({
        shared: (200, red, {"Content-Type": "image/png"}),
        copy: (200, red, {"Content-Type": "image/jpeg"}),  # same bytes, another URL, a lying type
        f"{SITE}/upload/b.png": (200, blue, {"Content-Type": "image/png"}),
        html: (200, "<html><body>Không tìm thấy</body></html>".encode(), {"Content-Type": "text/html"}),
        big: (200, png(900, 900) + b"\x00" * 4000, {"Content-Type": "image/png"}),
        gone: (404, b"not found", {"Content-Type": "text/html"}),
    })
    pipeline = ImagesPipeline(FakeCrawler(engine), str(db), max_bytes=4000)  # type: ignore[arg-type]
    pipeline.open_spider()

    async def run() -> None:
        for item in (first, second, first):  # the first article again: nothing fetched twice
            assert await pipeline.process_item(item) is item

    asyncio.run(run())
    pipeline.close_spider()
    fetched = Counter(r.url for r in engine.requests)
    assert set(fetched) == {shared, copy, gone, html, big, f"{SITE}/upload/b.png"} and max(fetched.values()) == 1
    assert all(r.meta["kind"] == "image" and r.meta["download_maxsize"] == 4000 for r in engine.requests)
    assert engine.requests[0].headers.get("Referer") == first.url.encode()
    with ImageStore(db) as store:
        kept = {r["sha256"]: r for r in store.db.query("select sha256, mime, width, height, bytes, first_url from images")}
        assert set(kept) == {hashlib.sha256(red).hexdigest(), hashlib.sha256(blue).hexdigest()}
        assert kept[hashlib.sha256(red).hexdigest()]["mime"] == "image/png"
        rows = {(r["article_id"], r["position"]): r for r in store.db.query("select * from article_images")}
        ids = [store.resolve_article(first.url), store.resolve_article(second.url)]
        one = [rows[(ids[0], p)] for p in range(5)]
        assert [r["status"] for r in one] == ["ok", "http_error", "not_image", "too_large", "skipped"]
        assert "404" in one[1]["reason"] and "HTML" in one[2]["reason"] and "MB" in one[3]["reason"]
        two = [rows[(ids[1], p)] for p in range(4)]
        assert [r["sha256"] for r in two[:2]] == [one[0]["sha256"]] * 2 and two[3]["status"] == "http_error"
        assert store.content(one[0]["sha256"]) == (red, "image/png")


def test_pipeline_can_be_switched_off(tmp_path: Path) -> None:
    engine = FakeEngine({})
    pipeline = ImagesPipeline(FakeCrawler(engine), str(tmp_path / "a.db"), enabled=False)  # type: ignore[arg-type]
    pipeline.open_spider()
    item = article(1, f"{SITE}/a.png")
    assert asyncio.run(pipeline.process_item(item)) is item and engine.requests == []
    pipeline.close_spider()


# --- the crawl of the offline web ---------------------------------------------------------------

@pytest.fixture(scope="module")
def crawled(demo_crawl, manifest: dict) -> tuple[Path, dict[str, dict]]:
    db_path, summary = demo_crawl
    assert summary.ok, summary
    return db_path, registered_images(manifest)


def image_rows_by_url(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """The article_images rows (with their article's URL) of each image URL."""
    by_url: dict[str, list[dict]] = {}
    for row in db.query("select l.*, a.url as article_url from article_images l join articles a on a.id = l.article_id"):
        by_url.setdefault(row["url"], []).append(row)
    return by_url


def assert_images_as_in_the_manifest(db: sqlite_utils.Database, truth: dict[str, dict]) -> dict[str, list[dict]]:
    """Every image link of the manifest recorded: each good one kept under its sha256 for exactly its
    articles, each good file stored once and nothing else, each hostile one with no copy and a reason.
    Returns the rows of each image URL."""
    by_url = image_rows_by_url(db)
    assert set(by_url) == set(truth)
    good = {url: t for url, t in truth.items() if t["expect"] == "ok"}
    for url, t in good.items():
        assert {r["status"] for r in by_url[url]} == {"ok"} and {r["sha256"] for r in by_url[url]} == {t["sha256"]}, url
        assert {r["article_url"] for r in by_url[url]} == set(t["articles"])
    assert {r["sha256"] for r in db.query("select sha256 from images")} == {t["sha256"] for t in good.values()}
    for url in set(truth) - set(good):
        assert all(r["sha256"] is None and r["reason"] for r in by_url[url]), url
    return by_url


def test_crawl_keeps_every_good_image_once_and_explains_the_rest(crawled) -> None:
    db_path, truth = crawled
    db = sqlite_utils.Database(db_path)
    by_url = assert_images_as_in_the_manifest(db, truth)
    rows = [row for group in by_url.values() for row in group]
    good = {url: t for url, t in truth.items() if t["expect"] == "ok"}
    files = {r["sha256"]: r for r in db.query("select sha256, mime, width, height, bytes, content from images")}
    for t in good.values():
        row = files[t["sha256"]]
        assert (row["mime"], row["width"], row["height"], row["bytes"]) == (t["mime"], t["width"], t["height"], t["bytes"])
        assert hashlib.sha256(row["content"]).hexdigest() == t["sha256"]
    shared = [s for s, n in Counter(r["sha256"] for r in rows if r["sha256"]).items() if n >= 2]
    assert shared and len(files) < sum(1 for r in rows if r["sha256"])  # copies on two sites kept once
    expected = {"missing": ("http_error", "HTTP 404"), "html": ("not_image", "HTML page"), "corrupt": ("broken", "truncated")}
    hostile = {url: t["expect"] for url, t in truth.items() if t["expect"] != "ok"}
    assert sorted(hostile.values()) == ["corrupt", "html", "missing"]
    for url, kind in hostile.items():
        [row] = by_url[url]
        status, words = expected[kind]
        assert row["sha256"] is None and row["status"] == status and words in row["reason"], row


def test_datasette_serves_kept_images_and_falls_back_to_the_original(crawled) -> None:
    from archive.serve import datasette_app

    db_path, truth = crawled
    db = sqlite_utils.Database(db_path)
    png_sha = next(t["sha256"] for t in truth.values() if t["expect"] == "ok" and t["mime"] == "image/png")
    jpeg_sha = next(t["sha256"] for t in truth.values() if t["expect"] == "ok" and t["mime"] == "image/jpeg")
    missing = next(url for url, t in truth.items() if t["expect"] == "missing")
    missing_article = db.execute("select article_id from article_images where url = ?", [missing]).fetchone()[0]
    kept_article, kept_sha = db.execute(
        "select article_id, sha256 from article_images where article_id = ? and sha256 is not null "
        "union all select article_id, sha256 from article_images where sha256 is not null limit 1",
        [missing_article]).fetchone()

    async def fetch() -> list:
        ds = datasette_app(db_path)
        return [await ds.client.get(path) for path in (
            f"/-/image/{png_sha}", f"/-/image/{jpeg_sha}", "/-/image/" + "0" * 64, "/-/image/../archive",
            f"/archive/articles/{kept_article}", f"/archive/articles/{missing_article}")]

    png_response, jpeg_response, unknown, bad, kept_page, missing_page = asyncio.run(fetch())
    assert png_response.status_code == 200 and png_response.headers["content-type"] == "image/png"
    assert hashlib.sha256(png_response.content).hexdigest() == png_sha
    assert jpeg_response.headers["content-type"] == "image/jpeg" and jpeg_response.content.startswith(b"\xff\xd8")
    assert "default-src 'self'" in png_response.headers["content-security-policy"]
    assert png_response.headers["x-content-type-options"] == "nosniff"
    assert unknown.status_code == 404 and bad.status_code == 404
    assert f'src="/-/image/{kept_sha}"' in kept_page.text and "Archived copy" in kept_page.text
    assert f'src="{missing}"' in missing_page.text and "No archived copy" in missing_page.text
    assert "HTTP 404" in missing_page.text


def test_export_lists_each_images_copy(crawled) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="pip install jsonschema (the test extra)")
    from archive.export import iter_articles

    db_path, truth = crawled
    validator = jsonschema.Draft202012Validator(SCHEMA)
    seen = Counter()
    for record in iter_articles(db_path):
        errors = list(validator.iter_errors(record))
        assert not errors, errors[0].message
        for image in record["images"]:
            t = truth[image["src"]]
            if t["expect"] == "ok":
                assert image["kept"] is True and image["sha256"] == t["sha256"]
            else:
                assert image["kept"] is False and image["sha256"] is None and image["reason"]
            seen[image["kept"]] += 1
    assert seen[True] >= 250 and seen[False] == 3


def test_download_errors_are_explained(tmp_path: Path) -> None:
    from scrapy.exceptions import DownloadCancelledError
    from twisted.internet.error import TimeoutError as TwistedTimeout

    db = tmp_path / "a.db"
    cut, slow, refused = (f"{SITE}/upload/{name}" for name in ("huge.jpg", "slow.jpg", "refused.jpg"))
    item = article(1, cut, slow, refused)
    with Archive(db) as archive:
        archive.ensure_site("binhdinh_skhcn", SITE + "/")
        archive.upsert_article(item)
    engine = FakeEngine({cut: DownloadCancelledError("Cancelling download: larger than download max size (4000)"),
                         slow: TwistedTimeout("User timeout caused connection failure.")})
    pipeline = ImagesPipeline(FakeCrawler(engine), str(db), max_bytes=4000)  # type: ignore[arg-type]
    pipeline.open_spider()
    asyncio.run(pipeline.process_item(item))
    pipeline.close_spider()
    with ImageStore(db) as store:
        rows = list(store.db.query("select status, reason from article_images order by position"))
    assert [r["status"] for r in rows] == ["too_large", "failed", "failed"]
    assert "download stopped" in rows[0]["reason"] and "did not answer within" in rows[1]["reason"]
    assert rows[2]["reason"] == "download failed: connection refused"
