"""Extraction layers: decoding, chrome vocabulary, dates, bylines, failure modes, classification."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers.extract import decode_html, extract_article, looks_like_article
from scrapers.extract.byline import split_author, split_source
from scrapers.extract.chrome import is_chrome_line, is_end_marker, is_generic_title
from scrapers.extract.dates import date_from_url, parse_date
from snapshot.markup import encode_cp1258 as cp1258

TITLE = "Sở Khoa học và Công nghệ tổ chức hội nghị tổng kết công tác cải cách hành chính năm 2023"
PARAGRAPHS = [
    "Sáng ngày 15/01/2024, Sở Khoa học và Công nghệ tổ chức hội nghị tổng kết công tác cải cách hành chính "
    "năm 2023 và triển khai nhiệm vụ năm 2024 với sự tham dự của lãnh đạo các phòng, đơn vị trực thuộc.",
    "Năm qua, Sở đã hoàn thành toàn bộ các nhiệm vụ trong kế hoạch, tỷ lệ hồ sơ thủ tục hành chính được "
    "giải quyết đúng hạn đạt một trăm phần trăm và không có phản ánh, kiến nghị của người dân.",
    "Phát biểu kết luận, Giám đốc Sở đề nghị các đơn vị tiếp tục đẩy mạnh chuyển đổi số, nâng cao chất "
    "lượng phục vụ người dân và doanh nghiệp trong năm tới.",
]


def page(body: str = "", *, charset: str | None = "utf-8", date: str = "Ngày đăng: 16/01/2024 08:30") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    paragraphs = body or "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head>{meta}<title>Chi tiết tin - Sở KH&amp;CN</title></head><body>"
            f'<div class="top">Thứ Ba, 20/02/2024</div><div class="main"><h1>{TITLE}</h1>'
            f'<div class="date">{date}</div><div class="content">{paragraphs}<p>Thu Hà</p></div>'
            "<h3>Tin liên quan</h3><ul><li><a href='/1'>Tin khác một (02/01/2024)</a></li></ul></div>"
            "<div class='footer'>Giấy phép số 1/GP-TTĐT</div></body></html>")


# --- decoding -------------------------------------------------------------------------------

def test_windows_1258_bytes_come_out_nfc() -> None:
    raw = cp1258(page(charset="windows-1258"))
    assert any(0xCC <= b <= 0xF2 for b in raw)  # the combining tone-mark bytes are there
    article = extract_article(raw, "https://example.gov.vn/a")
    assert article.title == TITLE
    assert unicodedata.is_normalized("NFC", article.body)
    assert PARAGRAPHS[0] == article.body.splitlines()[0]


def test_http_header_charset_wins_over_meta() -> None:
    raw = cp1258(page(charset="utf-8"))
    article = extract_article(raw, "https://example.gov.vn/a", headers={"Content-Type": "text/html; charset=windows-1258"})
    assert article.title == TITLE


def test_a_header_that_lies_about_utf8_is_not_believed() -> None:
    raw = cp1258(page(charset="windows-1258"))
    article = extract_article(raw, "https://example.gov.vn/a", headers={"Content-Type": "text/html; charset=utf-8"})
    assert article.title == TITLE


def test_missing_charset_is_detected() -> None:
    raw = page(charset=None).encode("utf-8")
    assert extract_article(raw, "https://example.gov.vn/a").title == TITLE


def test_nfd_text_is_composed() -> None:
    article = extract_article(unicodedata.normalize("NFD", page()), "https://example.gov.vn/a")
    assert article.title == TITLE and unicodedata.is_normalized("NFC", article.body)


def test_decode_html_with_scrapy_style_headers() -> None:
    raw = "<p>Cải cách hành chính</p>".encode("utf-8")
    assert decode_html(raw, {b"Content-Type": [b"text/html; charset=utf-8"]}) == "<p>Cải cách hành chính</p>"


# --- the whole page -------------------------------------------------------------------------

def test_page_extracts_with_date_author_and_no_chrome() -> None:
    article = extract_article(page(), "https://example.gov.vn/a")
    assert article.status == "ok"
    assert article.published_at == "2024-01-16T08:30:00+07:00"
    assert article.author == "Thu Hà"
    assert article.body.splitlines() == PARAGRAPHS
    for chrome in ("Thứ Ba", "Tin liên quan", "Tin khác một", "Giấy phép", "Ngày đăng", "Chi tiết tin"):
        assert chrome not in article.body


def test_header_today_date_is_not_the_publication_date() -> None:
    article = extract_article(page(date=""), "https://example.gov.vn/a")
    assert article.published_at != "2024-02-20"


def test_url_date_is_used_only_without_a_page_date() -> None:
    assert extract_article(page(date=""), "https://example.gov.vn/2023/12/05/a").published_at == "2023-12-05"
    article = extract_article(page(), "https://example.gov.vn/2023/12/05/a")
    assert article.published_at == "2024-01-16T08:30:00+07:00"


def test_placeholder_dates_are_ignored() -> None:
    for placeholder in ("Ngày đăng: 1/1/0001", "Ngày đăng: -0001-11-30 07:06:30"):
        assert extract_article(page(date=placeholder), "https://example.gov.vn/a").published_at is None


def test_drop_cap_is_rejoined() -> None:
    body = '<p><span class="dropcap">T</span>hời gian qua, ' + PARAGRAPHS[1] + "</p><p>" + PARAGRAPHS[2] + "</p>"
    assert extract_article(page(body), "https://example.gov.vn/a").body.startswith("Thời gian qua,")


def test_lead_printed_twice_and_title_in_body_are_kept_once() -> None:
    body = f"<p>{TITLE}</p><p><b>{PARAGRAPHS[0]}</b></p><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>"
    lines = extract_article(page(body), "https://example.gov.vn/a").body.splitlines()
    assert lines == PARAGRAPHS[:2]


@pytest.mark.parametrize("html", [b"", "", b"\x00\x01\x02" * 500, b"%PDF-1.4 binary", "<html", "<<<>>>",
                                  b"\xff\xfe<\x00h\x00", "plain text without markup"])
def test_bad_input_fails_cleanly(html) -> None:
    article = extract_article(html, "https://example.gov.vn/a")
    assert article.status in ("ok", "failed")
    if article.status == "failed":
        assert article.failure


def test_huge_input_is_refused() -> None:
    article = extract_article(b"<p>" + b"a" * (6 * 1024 * 1024), "https://example.gov.vn/a")
    assert article.status == "failed" and "too large" in article.failure


def test_truncated_page_still_gives_its_text() -> None:
    html = page()
    article = extract_article(html[: html.index(PARAGRAPHS[2][:30])], "https://example.gov.vn/a")
    assert article.title == TITLE and PARAGRAPHS[0] in article.body


def test_deep_nesting_does_not_raise() -> None:
    article = extract_article("<div>" * 5000 + "chữ" + "</div>" * 5000, "https://example.gov.vn/a")
    assert article.status in ("ok", "failed")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000),
                 st.lists(st.sampled_from(["<p>", "</p>", "<div>", "<table>", "<td>", "<img src=x>", "<br>",
                                           "Ngày đăng: 14/07/2022", "<h1>", "Các tin khác", "\x00", "&#0;",
                                           "cải cách", "<!--", "<script>", "<meta charset=xx>", "A+"]),
                          max_size=200).map("".join)))
def test_never_raises_on_malformed_html(html) -> None:
    article = extract_article(html, "https://example.gov.vn/a")
    assert article.status in ("ok", "failed")


# --- looks_like_article ---------------------------------------------------------------------

def test_article_looks_like_article() -> None:
    assert looks_like_article(page(), "https://example.gov.vn/node/12")


@pytest.mark.parametrize("title,body", [
    ("Không tìm thấy trang", "<p>Trang không tồn tại hoặc đã bị xóa. Vui lòng quay lại trang chủ.</p>"),
    ("Giới thiệu chung", "".join(f"<p>{p}</p>" for p in PARAGRAPHS)),
    ("Liên hệ", "<p>Địa chỉ: 01 Đường Số Một</p><p>Điện thoại: 0123</p>"),
    ("Danh sách tin", "".join(f"<p><a href='/{i}'>Tin số {i} về cải cách</a> (0{i}/01/2024)</p>" for i in range(1, 9))),
])
def test_non_articles_do_not(title: str, body: str) -> None:
    html = (f"<html><body><h1>{title}</h1><div class='date'>Ngày đăng: 16/01/2024</div>"
            f"<div class='content'>{body}</div></body></html>")
    assert not looks_like_article(html, "https://example.gov.vn/node/3")


def test_undated_page_is_not_an_article() -> None:
    html = f"<html><body><h1>{TITLE}</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</body></html>"
    assert not looks_like_article(html, "https://example.gov.vn/node/4")


# --- vocabulary, dates, bylines -------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "Kích cỡ chữ:A+ |A |A-", "Ngày đăng : 24/09/2020, 01:43 AM | Lượt xem : 524", "Thứ tư - 26/06/2013 21:20 113 0",
    "Hôm nay224 Hôm qua1,980 Tuần này4,650", "Xem với cỡ chữ : A- A A+", "In trang | Xuất PDF | Đọc nội dung",
    "Email In PDF.", "🔼Tăng tương phản 🔽Giảm tương phản", "cms-publish-date 11/05/2018 | 07:58",
    "cms-view-count: 35", "Xuất bản thông tin", "null", "DetailController", "Skip to main content",
    "Nhảy đến nội dung", "Back To Top", "Quay lại", "0:00 / 0:00 Giọng nữ miền Nam", "Thống kê truy cập",
    "Số lượt truy cập : 1234", "Giấy phép thiết lập số: 17/GP-TTĐT", "© 2019 Copyright", "Facebook   Zalo",
])
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", PARAGRAPHS + ["Hôm nay, đoàn kiểm tra làm việc tại Sở.", "Nhiệm vụ năm 2024",
                                               "Trong 09 tháng đầu năm, Sở đã hoàn thành kế hoạch."])
def test_prose_is_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


@pytest.mark.parametrize("line", ["Các tin khác", "Bài viết khác", "Tin liên quan", "Các tin bài khác",
                                  "Các bài mới nhất", "Tin cùng chuyên mục", "TIN LIÊN QUAN:"])
def test_related_headings_end_the_body(line: str) -> None:
    assert is_end_marker(line)


def test_generic_titles() -> None:
    assert is_generic_title("Chi tiết tin - Sở Khoa học và Công nghệ")
    assert is_generic_title("Chi tiet tin tức")
    assert not is_generic_title(TITLE)


@pytest.mark.parametrize("text,iso", [
    ("Ngày đăng : 24/09/2020, 01:43 AM", "2020-09-24T01:43:00+07:00"),
    ("14/07/2022 14:39", "2022-07-14T14:39:00+07:00"),
    ("08-02-2023", "2023-02-08"),
    ("Thứ Năm, 14/07/2022 - 14:39", "2022-07-14T14:39:00+07:00"),
    ("Thứ tư - 26/06/2013 21:20 113 0", "2013-06-26T21:20:00+07:00"),
    ("Cập nhật lúc 09:05 20/03/2023", "2023-03-20T09:05:00+07:00"),
    ("(21/07/2022)", "2022-07-21"),
    ("10:20, Thứ Năm, 23-2-2023", "2023-02-23T10:20:00+07:00"),
    ("cms-publish-date 11/05/2018 | 07:58", "2018-05-11T07:58:00+07:00"),
    ("ngày 14 tháng 7 năm 2022", "2022-07-14"),
    ("16:07,29-09-2017", "2017-09-29T16:07:00+07:00"),
    ("15:28:44 , 18/11/2017", "2017-11-18T15:28:44+07:00"),
    ("(09:19 | 23/12/2016)", "2016-12-23T09:19:00+07:00"),
    ("2015-11-18 01:02:51", "2015-11-18T01:02:51+07:00"),
    ("Update 15-06-2020 09:00", "2020-06-15T09:00:00+07:00"),
    ("[13/08/2023 15:11]", "2023-08-13T15:11:00+07:00"),
    ("Bình Định 09/07/2024 24", "2024-07-09"),
    ("24/09/2020, 01:43 PM", "2020-09-24T13:43:00+07:00"),
])
def test_dates(text: str, iso: str) -> None:
    assert parse_date(text).iso() == iso


@pytest.mark.parametrize("text", ["1/1/0001", "-0001-11-30 07:06:30", "không có ngày"])
def test_no_date(text: str) -> None:
    assert parse_date(text) is None


def test_date_from_url() -> None:
    assert date_from_url("https://a.gov.vn/2022/07/14/tin").iso() == "2022-07-14"
    assert date_from_url("https://a.gov.vn/tin-123") is None


@pytest.mark.parametrize("line,author", [("Thanh Minh", "Thanh Minh"), ("Bùi Thanh Bình", "Bùi Thanh Bình"),
                                         ("Tin ảnh Lê Tuấn", "Lê Tuấn"), ("Ảnh: H.T", "H.T"),
                                         ("Tác giả: Nguyễn Văn An", "Nguyễn Văn An"), ("BBT", "BBT"),
                                         ("Minh Anh (tổng hợp)", "Minh Anh"),
                                         ("Tác giả bài viết: Minh Hiếu", "Minh Hiếu")])
def test_author_lines(line: str, author: str) -> None:
    assert split_author(line) == author


@pytest.mark.parametrize("line", PARAGRAPHS + ["Kết quả cụ thể như sau:", "Email", "Facebook", "Zalo", "In"])
def test_prose_and_share_buttons_are_not_an_author(line: str) -> None:
    assert split_author(line) is None


def test_source_lines() -> None:
    assert split_source("https://baoquangtri.vn/") == "https://baoquangtri.vn/"
    assert split_source("Nguồn: Báo Quảng Trị") == "Báo Quảng Trị"
    assert split_source(PARAGRAPHS[0]) is None
