"""Shared test state: the offline snapshot and one crawl of it, built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled offline web, generated into a temporary directory."""
    from snapshot.build import build_snapshot

    out = tmp_path_factory.mktemp("snapshot")
    build_snapshot(out)
    return out


@pytest.fixture(scope="session")
def manifest(snapshot_dir: Path) -> dict:
    """The snapshot's truth: every site's articles and non-article pages."""
    return json.loads((snapshot_dir / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_crawl(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """One crawl of every registry site from the snapshot, as `reformnews demo` runs it."""
    from spiders.run import run_crawl

    from spiders.site import snapshot_sites

    db_path = tmp_path_factory.mktemp("archive") / "archive.db"
    # Only the registry sites the snapshot holds: the registry also lists live-only sites.
    summary = run_crawl(db_path, sites=snapshot_sites(snapshot_dir), snapshot_dir=snapshot_dir, progress=False)
    return db_path, summary


@pytest.fixture(scope="session")
def snapshot_slugs(manifest: dict) -> list[str]:
    """Registry sites the offline snapshot holds (manifest ``registered``)."""
    return [slug for slug, site in manifest["sites"].items() if site["registered"]]
