"""Raw pages kept: every response is in a WARC file, and `reextract` rebuilds the archive from them alone."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.reextract import reextract, warc_files
from scrapers.middlewares.warc import warc_dir_for

FIELDS = ("url", "site", "title", "published_at", "author", "category", "body", "reform", "found_on", "relevance")


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket or resolve a name fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("reextract touched the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def rows(db: Path) -> dict[str, tuple]:
    return {r["url"]: tuple(r[f] for f in FIELDS)
            for r in sqlite_utils.Database(db).query(f"select {', '.join(FIELDS)} from articles")}


def test_every_response_is_recorded_with_its_request(demo_crawl):
    db, summary = demo_crawl
    files = [f for f in warc_files(warc_dir_for(db)) if f.name.startswith(f"{summary.run_id}-")]
    assert [f.name for f in files] == [f"{summary.run_id}-0.warc.gz"]  # one file per run (rotated by size)
    types: dict[str, int] = {}
    for path in files:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                types[record.rec_type] = types.get(record.rec_type, 0) + 1
    assert types["response"] == types["request"] == summary.counts["requests"]


def test_reextract_rebuilds_the_archive_from_warcs_alone(demo_crawl, tmp_path, no_network):
    db, _ = demo_crawl
    fresh = tmp_path / "fresh.db"
    outcomes = reextract(fresh, warc_dir_for(db))
    original, rebuilt = rows(db), rows(fresh)
    assert outcomes["new"] == len(original)
    assert sorted(set(original) ^ set(rebuilt)) == []
    assert [u for u in original if original[u] != rebuilt[u]] == []
    pointers = sqlite_utils.Database(fresh).query("select count(*) as n from articles where warc_file is null")
    assert next(pointers)["n"] == 0


def test_reextract_command_on_one_site_changes_nothing(demo_crawl, tmp_path, no_network):
    import shutil

    from archive.cli import main

    db, _ = demo_crawl
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    result = CliRunner().invoke(main, ["reextract", "--site", "binhdinh_skhcn", "--db", str(copy),
                                       "--warc-dir", str(warc_dir_for(db))])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 new, 0 updated, 22 unchanged"), result.output
    assert rows(copy) == rows(db)
