"""`reformnews images`: the images of articles archived before images were kept, fetched afterwards
through Scrapy from the offline snapshot; a second run fetches nothing; --retry-failed retries only
the failures; --site/--limit; clean errors."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.cli import main
from spiders.lock import CrawlLock
from tests.test_images import assert_images_as_in_the_manifest, registered_images

SUMMARY = re.compile(r"images run (?P<run>\d+): ok, (?P<articles>\d+) articles, (?P<kept>\d+) kept "
                     r"\((?P<files>\d+) new files\), (?P<refused>\d+) refused, (?P<already>\d+) already kept, "
                     r"(?P<requests>\d+) requests")


def image_rows(db_path: Path) -> dict[tuple[str, int], dict]:
    db = sqlite_utils.Database(db_path)
    return {(r["article_id"], r["position"]): r for r in db.query("select * from article_images")}


def article_rows(db_path: Path) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query("select * from articles order by id"))


def backfill(db_path: Path, snapshot_dir: Path, *args: str) -> dict[str, int]:
    result = CliRunner().invoke(main, ["images", "--db", str(db_path), "--snapshot", str(snapshot_dir), *args])
    assert result.exit_code == 0, result.output
    match = SUMMARY.search(result.output)
    assert match, result.output
    return {k: int(v) for k, v in match.groupdict().items()}


def warc_images(db_path: Path, run_id: int) -> list[str]:
    """URLs of the image responses a run wrote to its WARC files."""
    urls = []
    for path in sorted((db_path.parent / "warc" / db_path.stem).glob(f"{run_id}-*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response" and record.rec_headers.get_header("Reformnews-Kind") == "image":
                    urls.append(record.rec_headers.get_header("WARC-Target-URI"))
    return urls


@pytest.fixture(scope="module")
def without_images(snapshot_dir: Path, snapshot_slugs: list[str], tmp_path_factory: pytest.TempPathFactory):
    """The snapshot crawled with IMAGES_ENABLED=False (an archive from before images were kept), and a copy."""
    from spiders.run import run_crawl

    db_path = tmp_path_factory.mktemp("backfill") / "archive.db"
    summary = run_crawl(db_path, sites=snapshot_slugs, snapshot_dir=snapshot_dir, progress=False,
                        settings={"IMAGES_ENABLED": "False"})
    assert summary.ok, summary
    assert image_rows(db_path) == {}
    pristine = db_path.with_name("pristine.db")
    shutil.copy(db_path, pristine)
    return db_path, pristine


@pytest.fixture(scope="module")
def first(without_images, snapshot_dir: Path) -> dict[str, int]:
    db_path, _ = without_images
    return backfill(db_path, snapshot_dir)


@pytest.fixture(scope="module")
def second(first, without_images, snapshot_dir: Path) -> tuple[dict[str, int], dict]:
    db_path, _ = without_images
    before = image_rows(db_path)
    return backfill(db_path, snapshot_dir), before


@pytest.fixture(scope="module")
def retried(second, without_images, snapshot_dir: Path) -> tuple[dict[str, int], dict]:
    db_path, _ = without_images
    before = image_rows(db_path)
    return backfill(db_path, snapshot_dir, "--retry-failed"), before


def test_backfill_keeps_the_images_and_never_touches_the_text(first, without_images, manifest: dict) -> None:
    db_path, pristine = without_images
    truth = registered_images(manifest)
    db = sqlite_utils.Database(db_path)
    by_url = assert_images_as_in_the_manifest(db, truth)
    rows = [row for group in by_url.values() for row in group]
    good = {url: t for url, t in truth.items() if t["expect"] == "ok"}
    files = {t["sha256"] for t in good.values()}
    hostile = {url for url, t in truth.items() if t["expect"] != "ok"}
    # The summary line says what happened, image link by image link.
    links = sum(len(t["articles"]) for t in truth.values())
    assert first["kept"] + first["already"] == sum(len(t["articles"]) for t in good.values())
    assert first["files"] == len(files) and first["refused"] == len(hostile) == 3
    assert first["kept"] + first["already"] + first["refused"] == links == len(rows)
    assert first["articles"] == len({r["article_id"] for r in rows})
    # Through Scrapy: every image fetched once, in the run's WARC files.
    fetched = warc_images(db_path, first["run"])
    assert sorted(fetched) == sorted(truth) and first["requests"] >= len(truth)
    # Articles' text and bookkeeping are exactly as the crawl left them.
    assert article_rows(db_path) == article_rows(pristine)
    run = db.execute("select spider, status from crawl_runs where id = ?", [first["run"]]).fetchone()
    assert run == ("images", "ok")


def test_a_second_run_fetches_nothing(second, without_images) -> None:
    db_path, _ = without_images
    summary, before = second
    assert summary["articles"] == summary["kept"] == summary["refused"] == summary["already"] == 0
    assert summary["requests"] == 0 and warc_images(db_path, summary["run"]) == []
    assert image_rows(db_path) == before


def test_retry_failed_retries_only_the_failed_images(retried, without_images) -> None:
    db_path, _ = without_images
    summary, before = retried
    failed = {key: row for key, row in before.items() if row["sha256"] is None}
    assert len(failed) == 3
    assert summary["articles"] == len({article for article, _ in failed}) and summary["refused"] == 3
    assert summary["kept"] == summary["already"] == 0
    assert sorted(warc_images(db_path, summary["run"])) == sorted({row["url"] for row in failed.values()})
    after = image_rows(db_path)
    assert {k: r for k, r in after.items() if r["sha256"]} == {k: r for k, r in before.items() if r["sha256"]}
    assert all(after[key]["status"] == row["status"] for key, row in failed.items())


def test_site_and_limit_choose_the_articles(without_images, snapshot_dir: Path, tmp_path: Path) -> None:
    _, pristine = without_images
    db_path = tmp_path / "archive.db"
    shutil.copy(pristine, db_path)
    summary = backfill(db_path, snapshot_dir, "--site", "binhdinh_skhcn", "--limit", "2")
    rows = list(sqlite_utils.Database(db_path).query(
        "select a.site, l.article_id from article_images l join articles a on a.id = l.article_id"))
    assert summary["articles"] == 2 and len({r["article_id"] for r in rows}) == 2
    assert Counter(r["site"] for r in rows).keys() == {"binhdinh_skhcn"}


def test_clear_errors(without_images, snapshot_dir: Path, tmp_path: Path) -> None:
    db_path, _ = without_images
    runner = CliRunner()
    missing = runner.invoke(main, ["images", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no archive at" in missing.output
    assert not (tmp_path / "none.db").exists()
    unknown = runner.invoke(main, ["images", "--db", str(db_path), "--site", "nowhere"])
    assert unknown.exit_code == 1 and "unknown site nowhere" in unknown.output
    with CrawlLock(db_path):
        locked = runner.invoke(main, ["images", "--db", str(db_path), "--snapshot", str(snapshot_dir)])
    assert locked.exit_code == 75 and "another crawl" in locked.output


def test_progress_line(first, without_images) -> None:
    from spiders.backfill import BackfillProgress

    db_path, _ = without_images
    line = BackfillProgress(db_path, first["run"], "2000-01-01T00:00:00+07:00", total=301).line()
    assert re.match(r"images run \d+: \d+ of about 301 images done, \d+ kept, \d+s$", line), line
