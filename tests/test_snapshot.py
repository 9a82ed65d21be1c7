"""The offline web: counts, URL shapes, reachability, page contents, encodings, determinism."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
from w3lib.url import safe_url_string

from scrapers.registry import load_registry
from snapshot.build import build_snapshot

REGISTRY = load_registry()  # also holds live-only sites the snapshot does not carry


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One build of the snapshot: its directory, manifest and index rows."""
    out = tmp_path_factory.mktemp("snapshot")
    manifest_path = build_snapshot(out)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    gets = {r["url"]: r for r in rows if r.get("method", "GET") == "GET"}
    posts = {(r["url"], r["form"]["__EVENTARGUMENT"]): r for r in rows if r.get("method") == "POST"}
    return {"dir": out, "manifest": manifest, "index": gets, "posts": posts, "rows": rows}


def _charset(row: dict, raw: bytes) -> str:
    ctype = row["headers"].get("Content-Type", "")
    if "charset=" in ctype:
        return ctype.split("charset=")[1].strip()
    meta = re.search(rb'charset=["\']?([\w-]+)', raw[:2048])
    return meta.group(1).decode() if meta else "utf-8"


def _raw(snap: dict, url: str, row: dict | None = None) -> bytes:
    return (snap["dir"] / (row or snap["index"][url])["body"]).read_bytes()


def _decoded(snap: dict, url: str, row: dict | None = None) -> str:
    raw = _raw(snap, url, row)
    return unicodedata.normalize("NFC", raw.decode(_charset(row or snap["index"][url], raw)))


def _text(snap: dict, url: str) -> str:
    doc = lxml.html.fromstring(_decoded(snap, url))
    for node in doc.xpath("//script|//style"):
        node.drop_tree()
    return " ".join(doc.text_content().split())


POSTBACK = re.compile(r"__doPostBack\('([^']+)','([^']*)'\)")


def _postbacks(snap: dict, url: str, row: dict | None = None) -> set[str]:
    """The __EVENTARGUMENTs a page's ``__doPostBack`` links post back to its URL."""
    doc = lxml.html.fromstring(_decoded(snap, url, row))
    return {m.group(2) for href in doc.xpath("//a/@href") for m in POSTBACK.finditer(href)}


def _links(snap: dict, url: str, row: dict | None = None) -> set[str]:
    doc = lxml.html.fromstring(_decoded(snap, url, row))
    base = doc.xpath("//base/@href")
    root = base[0] if base else url
    return {safe_url_string(urljoin(root, href).split("#", 1)[0]) for href in doc.xpath("//a/@href") if not href.startswith(("javascript:", "mailto:"))}


def _articles(snap: dict):
    for slug, site in snap["manifest"]["sites"].items():
        for art in site["articles"]:
            yield slug, site, art


def test_counts(snap: dict) -> None:
    sites = snap["manifest"]["sites"]
    registered = [s for s in sites.values() if s["registered"]]
    assert len(registered) >= 8
    assert len({s["family"] for s in registered}) >= 5
    assert sum(len(s["articles"]) for s in sites.values()) >= 200
    assert {slug for slug, s in sites.items() if s["registered"]} <= set(REGISTRY)
    assert [s for s in sites.values() if not s["registered"]][0]["host"] == "khcnhungyen.gov.vn"


def test_articles_stored_and_shaped(snap: dict) -> None:
    seen: set[str] = set()
    for slug, site, art in _articles(snap):
        assert art["url"] not in seen, art["url"]
        seen.add(art["url"])
        row = snap["index"][art["url"]]
        assert row["status"] == 200 and "Last-Modified" in row["headers"]
        if site["registered"]:
            assert REGISTRY[slug].is_article_url(art["url"]), art["url"]
        assert art["body_lines"][0] == art["body_first"] and art["body_lines"][-1] == art["body_last"]
        assert 4 <= len(art["body_lines"]) <= 16
        assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:00\+07:00)?", art["published_at"])


def test_registry_listings_present(snap: dict) -> None:
    carried = [slug for slug, s in snap["manifest"]["sites"].items() if s["registered"]]
    for slug, site in ((slug, REGISTRY[slug]) for slug in carried):
        for listing in site.listings:
            row = snap["index"][safe_url_string(listing.url)]
            assert row["status"] == 200
            assert {"ETag", "Last-Modified"} <= set(row["headers"])
        for url in (*site.feeds, *site.sitemaps, site.base_url.rstrip("/") + "/robots.txt"):
            assert snap["index"][safe_url_string(url)]["status"] == 200, url


def test_every_article_linked_from_listing_walk(snap: dict) -> None:
    for slug, site in snap["manifest"]["sites"].items():
        reg = REGISTRY.get(slug)
        starts = [safe_url_string(l.url) for l in reg.listings] if reg else [site["listings"][0]]
        if not reg:
            starts = sorted({u.split("?")[0] for u in site["listings"]})
        is_listing = reg.is_listing_url if reg else (lambda u: any(u.startswith(s) for s in starts))
        # A node is a URL (GET) or (URL, __EVENTARGUMENT): a page that only a postback reaches.
        queue, visited, found = list(starts), set(), set()
        while queue:
            node = queue.pop()
            row = snap["index"].get(node) if isinstance(node, str) else snap["posts"].get(node)
            if node in visited or row is None:
                continue
            visited.add(node)
            url = node if isinstance(node, str) else node[0]
            links = _links(snap, url, row)
            found |= links
            queue += [u for u in links if is_listing(u) and u not in visited]
            queue += [(url, arg) for arg in _postbacks(snap, url, row) if (url, arg) in snap["posts"]]
        assert len(visited) >= 4, slug
        missing = [a["url"] for a in site["articles"] if a["url"] not in found]
        assert not missing, (slug, missing[:3])
        for art in site["articles"]:
            assert art["found_on"] in visited


def test_article_pages_show_text_and_chrome(snap: dict) -> None:
    for slug, site, art in _articles(snap):
        text = _text(snap, art["url"])
        assert " ".join(art["title"].split()) in text, art["url"]
        assert " ".join(art["body_first"].split()) in text, art["url"]
        assert " ".join(art["body_last"].split()) in text, art["url"]
        present = [c for c in site["chrome"] if c in text]
        assert len(present) >= 5, (art["url"], present)
        for line in art["body_lines"]:
            assert not [c for c in site["chrome"] if c in line], (art["url"], line)


def test_non_articles_present(snap: dict) -> None:
    for slug, site in snap["manifest"]["sites"].items():
        assert len(site["non_articles"]) >= 7
        for url in site["non_articles"]:
            assert url in snap["index"], url
    drupal = snap["manifest"]["sites"]["langson_sokhcn"]["non_articles"]
    assert sum(1 for u in drupal if "/node/" in u) >= 4


def test_cp1258_pages_decode_to_manifest_text(snap: dict) -> None:
    sites = [s for s in snap["manifest"]["sites"].values() if s["encoding"] == "windows-1258"]
    assert sites
    for site in sites:
        for art in site["articles"]:
            raw = _raw(snap, art["url"])
            assert "windows-1258" in snap["index"][art["url"]]["headers"]["Content-Type"]
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            text = html.unescape(unicodedata.normalize("NFC", raw.decode("cp1258")))
            assert art["title"] in text
            assert art["body_last"] in text


def test_encoding_variety(snap: dict) -> None:
    rows = snap["rows"]
    assert any(r["headers"].get("Content-Type") == "text/html" for r in rows)
    nfd = [a for _, _, a in _articles(snap) if a["encoding"] == "utf-8-nfd"]
    assert nfd
    raw = _raw(snap, nfd[0]["url"]).decode("utf-8")
    assert unicodedata.normalize("NFC", raw) != raw


def test_redirects_attachments_and_stories(snap: dict) -> None:
    redirects = [r for r in snap["rows"] if r["status"] in (301, 302)]
    assert redirects and all("Location" in r["headers"] and "body" not in r for r in redirects)
    atts = [(slug, a) for slug, _, art in _articles(snap) for a in art["attachments"]]
    assert len(atts) >= 6 and len({s for s, _ in atts}) >= 3
    for _, att in atts:
        blob = _raw(snap, att["url"])
        assert blob.startswith(b"%PDF" if att["type"] == "pdf" else b"PK")
    stories = Counter()
    for slug, _, art in _articles(snap):
        stories[art["story"]] += 1
    assert sum(1 for n in stories.values() if n >= 2) >= 10
    titles: dict[str, set[str]] = {}
    for _, _, art in _articles(snap):
        titles.setdefault(art["title"], set()).add(art["story"])
    assert sum(1 for ids in titles.values() if len(ids) >= 2) >= 3


def test_pdf_is_multipage(snap: dict) -> None:
    pdfs = [a for _, _, art in _articles(snap) for a in art["attachments"] if a["type"] == "pdf"]
    for att in pdfs:
        blob = _raw(snap, att["url"])
        assert len(re.findall(rb"/Type /Page\b(?!s)", blob)) >= 2, att["url"]
        assert snap["index"][att["url"]]["headers"]["Content-Type"] == "application/pdf"


def test_docx_has_vietnamese_text(snap: dict) -> None:
    import docx

    files = [a for _, _, art in _articles(snap) for a in art["attachments"] if a["type"] == "docx"]
    assert files
    document = docx.Document(io.BytesIO(_raw(snap, files[0]["url"])))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "KẾ HOẠCH" in text and "Nơi nhận" in text


def test_build_is_deterministic(snap: dict, tmp_path: Path) -> None:
    build_snapshot(tmp_path)
    assert (tmp_path / "index.jsonl").read_bytes() == (snap["dir"] / "index.jsonl").read_bytes()
    assert (tmp_path / "manifest.json").read_bytes() == (snap["dir"] / "manifest.json").read_bytes()
    for row in snap["rows"]:
        if "body" in row:
            a = hashlib.sha1((tmp_path / row["body"]).read_bytes()).digest()
            assert a == hashlib.sha1((snap["dir"] / row["body"]).read_bytes()).digest(), row["url"]
