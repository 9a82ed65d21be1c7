"""body_html: minimal sanitised HTML keeping the source's inline b/i/a and tables, never chrome."""

from __future__ import annotations

from pathlib import Path

from scrapers.extract import extract_article
from scrapers.extract.generic import match_key

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
PAGE = ("<html><head><title>Tiêu đề bài viết thử nghiệm về một cửa</title></head><body>"
        "<h1>Tiêu đề bài viết thử nghiệm về một cửa</h1><div class='ArticleContent'>"
        "<p onclick='x()'>Một <b>hai</b> ba <i>bốn</i> năm <a href='/thu-tuc' onclick='y()'>sáu</a> bảy tám chín mười.</p>"
        "<p><span class='dropcap'>T</span>hời gian tiếp nhận được rút ngắn nhờ <strong>phần mềm</strong> mới.</p>"
        "<table><tr><td>Lĩnh vực</td><td>Số hồ sơ</td></tr></table><script>alert(1)</script>"
        "<div class='share'>Chia sẻ Facebook</div></div></body></html>")


def test_inline_marks_links_and_tables_are_kept_and_sanitised() -> None:
    html = extract_article(PAGE, "https://a.gov.vn/tin/1", family="aspnet").body_html
    assert "<b>hai</b>" in html and "<i>bốn</i>" in html and '<a href="/thu-tuc">sáu</a>' in html
    assert "<table>" in html and "<td>Lĩnh vực</td>" in html
    assert "onclick" not in html and "<script" not in html and "Facebook" not in html


def test_drop_cap_span_keeps_the_word_whole_and_the_bold() -> None:
    html = extract_article(PAGE, "https://a.gov.vn/tin/1", family="aspnet").body_html
    assert "<p>Thời gian tiếp nhận được rút ngắn nhờ <b>phần mềm</b> mới.</p>" in html


def test_fixture_inline_marks() -> None:
    page = FIXTURES / "wordpress" / "camau_inline_marks.html"
    article = extract_article(page.read_bytes(), "https://camautech.vn/blogs/news/lich-tiep-cong-dan")
    assert "<b>sáng thứ Ba</b>" in article.body_html and "<i>phòng tiếp dân</i>" in article.body_html
    assert '<a href="/thu-tuc">trang thủ tục hành chính</a>' in article.body_html


def test_match_key_ignores_case_spaces_and_punctuation() -> None:
    assert match_key("T hời gian, Đăng ký!") == match_key("Thời gian đăng ký")
