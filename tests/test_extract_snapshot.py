"""extract_article over every manifest article of a freshly built snapshot of the offline web."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import json

from scrapers.extract import extract_article, looks_like_article
from scrapers.extract.evaluate import CHECKS, leaks, load_cases, score

build = pytest.importorskip("snapshot.build", reason="the offline web (snapshot/build.py) is not built yet")


@pytest.fixture(scope="module")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = Path(build.build_snapshot(tmp_path_factory.mktemp("snapshot")))
    return built.parent if built.is_file() else built


@pytest.fixture(scope="module")
def results(snapshot_dir: Path) -> list[tuple[object, object, dict[str, bool]]]:
    cases = load_cases(snapshot_dir)
    assert cases, "the manifest lists no articles"
    out = []
    for case in cases:
        article = extract_article(case.body, case.truth["url"], family=case.family, site=case.site,
                                  headers=case.headers)
        out.append((case, article, score(article, case.truth)))
    return out


def _failures(results, check: str) -> list[str]:
    return [f"{case.site} {case.truth['url']}: {getattr(article, check, '')!r} != {case.truth.get(check)!r}"
            if check in ("title", "published_at", "author") else f"{case.site} {case.truth['url']}"
            for case, article, passed in results if not passed[check]]


def test_every_article_extracts(results) -> None:
    failed = [f"{c.truth['url']}: {a.failure}" for c, a, _ in results if a.status != "ok"]
    assert not failed, failed[:10]


@pytest.mark.parametrize("check", CHECKS)
def test_check_passes_on_every_article(results, check: str) -> None:
    failures = _failures(results, check)
    rate = 1 - len(failures) / len(results)
    assert not failures, f"{check}: {rate:.1%} of {len(results)}; first failures: {failures[:8]}"


def test_no_chrome_leaks_by_site(results) -> None:
    leaked: Counter[str] = Counter()
    for case, article, _ in results:
        for string in leaks(article, case.truth):
            leaked[f"{case.site}: {string}"] += 1
    assert not leaked, leaked.most_common(15)


def test_looks_like_article_separates_articles_from_other_pages(snapshot_dir: Path) -> None:
    manifest = json.loads((snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    index = {}
    for line in (snapshot_dir / "index.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("status") == 200 and record.get("body"):
            index[record["url"]] = snapshot_dir / record["body"]
    wrong = []
    for site in manifest["sites"].values():
        for item in site.get("non_articles", []):
            url = item["url"] if isinstance(item, dict) else item
            if url in index and looks_like_article(index[url].read_bytes(), url):
                wrong.append(f"non-article taken for an article: {url}")
        for item in site["articles"]:
            if not looks_like_article(index[item["url"]].read_bytes(), item["url"]):
                wrong.append(f"article missed: {item['url']}")
    assert not wrong, wrong[:10]
