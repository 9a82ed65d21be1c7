"""Per-family fixture pages: expected title, dates, byline, body ends, captions; no chrome leaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.extract import extract_article

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
CASES = sorted(FIXTURES.glob("*/*.json"))
KNOWN_KEYS = {"url", "family", "title", "canonical_url", "published_at", "updated_at", "author", "source",
              "category", "body_first", "body_last", "body_lines", "body", "captions", "attachments", "must_not_contain"}


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.fixture(scope="module")
def extracted() -> dict[Path, tuple[dict, object]]:
    out = {}
    for case in CASES:
        expected = json.loads(case.read_text(encoding="utf-8"))
        html = case.with_suffix(".html").read_bytes()
        out[case] = (expected, extract_article(html, expected["url"], family=expected.get("family")))
    return out


def test_there_is_a_fixture_per_family() -> None:
    families = {p.parent.name for p in CASES}
    assert {"aspnet", "custom_php", "drupal", "joomla", "liferay", "nukeviet", "sharepoint",
            "slug_id_portal", "wordpress", "generic"} <= families


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_expected_json_has_known_keys_only(case: Path) -> None:
    assert set(json.loads(case.read_text(encoding="utf-8"))) <= KNOWN_KEYS


FIELDS = ("title", "canonical_url", "published_at", "updated_at", "author", "source", "category")
STATED = [pytest.param(case, field, id=f"{_case_id(case)}-{field}")
          for case in CASES for field in FIELDS if field in json.loads(case.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("case", "field"), STATED)
def test_field(extracted, case: Path, field: str) -> None:
    """Every field a fixture's truth states comes out exactly (unstated ones are not checked)."""
    expected, article = extracted[case]
    assert article.status == "ok", article.failure
    assert getattr(article, field) == expected[field]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_body_ends_and_length(extracted, case: Path) -> None:
    expected, article = extracted[case]
    lines = article.body.splitlines()
    assert lines[0] == expected["body_first"]
    assert lines[-1] == expected["body_last"]
    assert len(lines) == expected["body_lines"]
    assert article.word_count > 0 and article.method


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_no_chrome_in_body(extracted, case: Path) -> None:
    expected, article = extracted[case]
    leaks = [s for s in expected["must_not_contain"] if s in article.body]
    assert not leaks, f"chrome in body: {leaks}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_captions_and_attachments(extracted, case: Path) -> None:
    expected, article = extracted[case]
    assert [i.caption for i in article.images if i.caption] == expected["captions"]
    assert [a.url for a in article.attachments] == expected["attachments"]
    for image in article.images:
        assert image.src.startswith("http")


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_detection_without_family_finds_the_same_article(extracted, case: Path) -> None:
    expected, article = extracted[case]
    detected = extract_article(case.with_suffix(".html").read_bytes(), expected["url"])
    assert detected.title == article.title
    assert detected.body.splitlines()[0] == expected["body_first"]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_generic_path_keeps_title_and_first_line(extracted, case: Path) -> None:
    expected, _ = extracted[case]
    generic = extract_article(case.with_suffix(".html").read_bytes(), expected["url"], family="generic")
    assert generic.method == "generic"
    assert generic.title == expected["title"]
    assert expected["body_first"] in generic.body
    assert expected["body_last"] in generic.body


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_body_html_is_sanitised(extracted, case: Path) -> None:
    _, article = extracted[case]
    assert "<script" not in article.body_html and "onclick" not in article.body_html
    assert article.body_html.startswith(("<p>", "<h2>", "<h3>", "<ul>", "<ol>", "<table>"))


@pytest.mark.parametrize("case", [c for c in CASES if "body" in json.loads(c.read_text(encoding="utf-8"))],
                         ids=_case_id)
def test_whole_body_is_exact(extracted, case: Path) -> None:
    expected, article = extracted[case]
    assert article.body.splitlines() == expected["body"]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_each_page_extracts_well_within_the_time_limit(case: Path) -> None:
    import time

    expected = json.loads(case.read_text(encoding="utf-8"))
    html = case.with_suffix(".html").read_bytes()
    start = time.perf_counter()
    for family in (expected.get("family"), "generic"):
        extract_article(html, expected["url"], family=family)
    assert time.perf_counter() - start < 1.0


def test_every_family_has_at_least_two_pages_and_the_set_has_thirty() -> None:
    from collections import Counter

    per_family = Counter(p.parent.name for p in CASES)
    assert len(CASES) >= 30
    assert min(per_family.values()) >= 2, per_family


def test_generic_path_has_no_chrome_on_fixtures() -> None:
    leaks = {}
    for case in CASES:
        expected = json.loads(case.read_text(encoding="utf-8"))
        article = extract_article(case.with_suffix(".html").read_bytes(), expected["url"], family="generic")
        found = [s for s in expected["must_not_contain"] if s in article.body]
        if found:
            leaks[_case_id(case)] = found
    assert not leaks
