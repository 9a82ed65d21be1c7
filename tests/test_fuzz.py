"""Hostile input to the extractor, the URL canonicaliser and the link finder: no exception, bounded time.

tests/test_extract_units.py fuzzes small HTML fragments; this adds raw bytes with lying charsets,
deep nesting, huge attributes and weird URLs.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers.extract import budget, extract_article
from scrapers.urls import canonical_url

PAGE_LIMIT = budget.PAGE_SECONDS + 2.0  # the extractor's own budget, plus slack for a loaded machine
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

LABELS = ["utf-8", "windows-1258", "tcvn3", "x-unknown", "utf-16", "iso-8859-1", "", "utf8\x00"]
URL_PARTS = ["http://", "https://", "HTTP://", "//", "javascript:", "mailto:", "data:text/html,", "", "127.0.0.1",
             "sởkhcn.example", "xn--", "[::1", "[::1]", ":99999", ":0", ":-1", "@", "user:pass@", "/", "//", "?",
             "#", "%", "%zz", "%E1%BB", "%00", " ", "\t", "\n", "tin tức", "..", "../..", "a" * 300, "?page=1&page=2",
             "&amp;", "\\", "\u200b", "ﬁ", "İ", "\ud7ff"]


def timed_extract(html: bytes | str, headers: dict[str, str] | None = None) -> float:
    began = time.monotonic()
    article = extract_article(html, "https://sokhcn.example.gov.vn/tin-tuc/a.html", headers=headers)
    assert article.status in ("ok", "failed")
    return time.monotonic() - began


@FUZZ
@given(st.binary(min_size=1, max_size=20_000), st.sampled_from(LABELS), st.booleans())
def test_raw_bytes_with_any_charset_label(body, label, in_meta):
    html = (f'<meta charset="{label}">'.encode("latin-1", "replace") + body) if in_meta else body
    assert timed_extract(html, {"Content-Type": f"text/html; charset={label}"}) < PAGE_LIMIT


@FUZZ
@given(st.integers(min_value=100, max_value=6000), st.sampled_from(["div", "table", "b", "p", "li", "span", "td"]))
def test_deep_nesting(depth, tag):
    html = "<html><body>" + f"<{tag}>" * depth + "Cải cách hành chính " * 40 + f"</{tag}>" * (depth // 2)
    assert timed_extract(html) < PAGE_LIMIT


@FUZZ
@given(st.integers(min_value=1_000, max_value=400_000), st.sampled_from(["title", "href", "style", "data-x", "class"]))
def test_huge_attributes(size, name):
    html = (f'<html><body><h1 {name}="' + "x" * size + '">Tiêu đề</h1>'
            + f'<a {name}="' + "đ" * (size // 2) + '">liên kết</a><p>' + "Nội dung bài viết. " * 50 + "</p>")
    assert timed_extract(html) < PAGE_LIMIT


@FUZZ
@given(st.lists(st.sampled_from([b"\xe1\xbb", b"\xc3", b"\xff\xfe", b"\xef\xbb\xbf", b"<p>", b"</p>", b"\x00",
                                 "Cải cách".encode("utf-8"), "Cải cách".encode("cp1258", "replace"),
                                 "Cải cách".encode("utf-16-le"), b"<meta charset=utf-16>", b"&#x110000;", b"&#0;"]),
                max_size=400).map(b"".join))
def test_broken_encodings(body):
    assert timed_extract(body or b" ", {"Content-Type": "text/html; charset=utf-8"}) < PAGE_LIMIT


@FUZZ
@given(st.lists(st.sampled_from(URL_PARTS), max_size=12).map("".join) | st.text(max_size=300))
def test_canonical_url_never_raises(url):
    result = canonical_url(url)
    assert isinstance(result, str)


@FUZZ
@given(st.lists(st.lists(st.sampled_from(URL_PARTS), max_size=8).map("".join), min_size=1, max_size=10))
def test_page_links_survive_any_href(hrefs):
    """A page's links are found (and requestable) whatever garbage other links hold."""
    import scrapy
    from scrapy.http import HtmlResponse

    from spiders.base import page_links

    links = "".join(f'<a href="{h.replace(chr(34), "")}">x</a>' for h in hrefs)
    html = f'<html><body>{links}<a href="/tin-tuc/bai-cuoi.html">cuối</a></body></html>'
    response = HtmlResponse("https://sokhcn.example.gov.vn/", body=html.encode("utf-8"), encoding="utf-8")
    found = page_links(response)
    for url in found:
        scrapy.Request(url)  # what the spiders do with each one: must not raise
    assert "https://sokhcn.example.gov.vn/tin-tuc/bai-cuoi.html" in found
