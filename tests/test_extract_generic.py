"""The generic path on pages no profile knows: split bodies, menus of short links, the chrome key, the selector index."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.extract import decode_html, extract_article
from scrapers.extract.article import _parse
from scrapers.extract.chrome import chrome_selectors, is_chrome_line, residue, vocabulary
from scrapers.extract.generic import MainText
from scrapers.extract.platforms import GENERIC
from scrapers.extract.selectors import find_all, find_any, first_match

PART_ONE = [
    "Sáng 12/3, Sở Khoa học và Công nghệ tổ chức hội nghị triển khai nhiệm vụ cải cách hành chính năm "
    "nay với sự tham dự của lãnh đạo các phòng, đơn vị trực thuộc và công chức bộ phận một cửa.",
    "Theo báo cáo, năm qua Sở đã tiếp nhận và giải quyết đúng hạn toàn bộ hồ sơ thủ tục hành chính, "
    "tỷ lệ hồ sơ nộp trực tuyến toàn trình đạt hơn tám mươi phần trăm, tăng mạnh so với năm trước.",
    "Công tác rà soát, đơn giản hóa thủ tục được thực hiện thường xuyên; nhiều quy trình nội bộ được "
    "số hóa, rút ngắn thời gian xử lý từ mười ngày xuống còn năm ngày làm việc.",
]
PART_TWO = [
    "Phát biểu chỉ đạo, Giám đốc Sở đề nghị các đơn vị tiếp tục nâng cao chất lượng phục vụ người dân "
    "và doanh nghiệp, công khai minh bạch tiến độ giải quyết hồ sơ trên cổng dịch vụ công.",
    "Hội nghị cũng thống nhất giao chỉ tiêu cụ thể cho từng phòng về số hóa kết quả giải quyết thủ "
    "tục hành chính, bảo đảm hoàn thành trước ngày ba mươi tháng sáu.",
]
AD = "Quảng cáo: Đặt mua máy lọc nước chính hãng giảm giá ba mươi phần trăm trong tuần này."


def split_body_page() -> str:
    """A page whose article body is cut in two parts by an advertising block."""
    para = "".join
    menu = "".join(f'<li><a href="/c/{i}">{name}</a></li>' for i, name in enumerate(
        ["Giới thiệu", "Tin tức", "Văn bản", "Thủ tục hành chính", "Liên hệ"]))
    return f"""<html><head><title>Hội nghị triển khai nhiệm vụ cải cách hành chính</title></head><body>
<ul class="menu">{menu}</ul>
<div class="page"><div class="col">
<h1>Hội nghị triển khai nhiệm vụ cải cách hành chính</h1>
<p class="date">Ngày đăng: 12/03/2025 09:30</p>
<div class="article-content noi-dung-bai">{para(f"<p>{p}</p>" for p in PART_ONE)}</div>
</div>
<div class="ad-slot"><div class="banner"><p>{AD}</p></div></div>
<div class="col"><div class="article-content noi-dung-bai">{para(f"<p>{p}</p>" for p in PART_TWO)}<p>Minh Anh</p></div></div>
</div>
<div class="footer"><p>Bản quyền thuộc Sở Khoa học và Công nghệ</p></div>
</body></html>"""


def test_a_body_split_by_an_advert_comes_out_whole() -> None:
    article = extract_article(split_body_page(), "https://skhcn.example.gov.vn/tin/hoi-nghi-cchc", family="generic")
    lines = article.body.splitlines()
    assert lines[: len(PART_ONE)] == PART_ONE
    assert all(p in lines for p in PART_TWO)
    assert AD not in article.body
    assert article.author == "Minh Anh"


INTRO = ("Sở Khoa học và Công nghệ là cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh, tham mưu quản lý nhà "
         "nước về khoa học, công nghệ, đo lường chất lượng, sở hữu trí tuệ và an toàn bức xạ; trụ sở đặt tại "
         "số 5 đường Trần Phú, phường Hải Châu, tiếp công dân vào sáng thứ Năm hằng tuần.")


def sidebar_page() -> str:
    """An article whose body class ("article-content") also dresses a side box of prose."""
    body = "".join(f"<p>{p}</p>" for p in PART_ONE)
    return f"""<html><head><title>Hội nghị triển khai nhiệm vụ cải cách hành chính</title></head><body>
<div class="main"><div class="col-main"><h1>Hội nghị triển khai nhiệm vụ cải cách hành chính</h1>
<p>Ngày đăng: 12/03/2025 09:30</p><div class="article-content">{body}<p>Minh Anh</p></div></div>
<div class="sidebar"><div class="article-content"><p>{INTRO}</p></div></div></div></body></html>"""


def test_a_side_box_with_the_body_class_is_not_a_continuation() -> None:
    article = extract_article(sidebar_page(), "https://skhcn.example.gov.vn/tin/hoi-nghi", family="generic")
    assert article.body.splitlines() == PART_ONE
    assert INTRO not in article.body


def menu_page() -> str:
    """An article next to a menu of place names, each short enough to pass for a byline."""
    places = ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Huế", "Đà Nẵng", "Quảng Ngãi"]
    menu = "".join(f'<li><a href="/dia-phuong/{i}">{p}</a></li>' for i, p in enumerate(places))
    body = "".join(f"<p>{p}</p>" for p in PART_ONE + PART_TWO)
    return f"""<html><head><title>Kết quả cải cách hành chính quý I</title></head><body>
<div class="wrap"><h1>Kết quả cải cách hành chính quý I</h1>
<p>Thứ Tư, 02/04/2025 - 10:15</p><ul class="dia-phuong">{menu}</ul>{body}<p>Lan Hương</p></div>
</body></html>"""


def test_short_menu_links_that_look_like_names_stay_out() -> None:
    article = extract_article(menu_page(), "https://tinh.example.gov.vn/tin/ket-qua-cchc-quy-1", family="generic")
    assert article.body.splitlines() == PART_ONE + PART_TWO
    assert article.author == "Lan Hương"


def test_main_text_holds_short_lines_only_as_whole_lines() -> None:
    main = MainText.of(["Hôm nay Sở tổ chức hội nghị về thủ tục hành chính", "Kết luận"])
    assert main.holds("Kết luận")
    assert main.holds("tổ chức hội nghị về thủ tục hành chính")  # a long part of a longer line
    assert not main.holds("Hội nghị")  # short, and not one of the lines


def test_a_paragraph_cut_by_line_breaks_is_found_whole() -> None:
    """Editors cut paragraphs with <br><br>; trafilatura splits them into lines, the body keeps them."""
    broken = "<br /><br />".join(PART_TWO + PART_ONE[1:])
    html = f"""<html><head><title>Họp xét công nhận sáng kiến cấp tỉnh</title></head><body>
<ul class="nav"><li><a href="/">Trang chủ</a></li><li><a href="/tin">Tin tức</a></li></ul>
<div class="item-page"><h2>Họp xét công nhận sáng kiến cấp tỉnh</h2><p>Ngày đăng: 05/01/2025</p>
<div itemprop="articleBody"><p>{PART_ONE[0]}</p><p>{broken}</p></div></div>
<div class="moduletable"><h3>Tin cùng chuyên mục</h3><ul><li><a href="/tin/1">Hưởng ứng Ngày Khoa học và
Công nghệ Việt Nam</a></li></ul></div></body></html>"""
    article = extract_article(html, "https://tttt.example.gov.vn/index.php?id=315", family="generic")
    assert article.body.splitlines() == [PART_ONE[0], *PART_TWO, *PART_ONE[1:]]


def test_a_summary_field_is_the_lead() -> None:
    """Drupal's "tóm tắt" field stands beside the body field: it is the body's first line."""
    caption = "Quang cảnh hội nghị triển khai nhiệm vụ năm 2025"
    paragraphs = PART_TWO + [
        f"Tại điểm cầu số {i}, đại diện các phòng chuyên môn báo cáo kết quả rà soát quy trình nội bộ, số hồ "
        f"sơ đã số hóa và những vướng mắc khi vận hành hệ thống một cửa điện tử trong quý vừa qua." for i in range(1, 21)]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"""<html><head><title>Triển khai nhiệm vụ năm 2025</title></head><body>
<h1 class="page-header">Triển khai nhiệm vụ năm 2025</h1><article class="node">
<div class="thumb"><img src="/files/hoi-nghi.jpg" alt="Triển khai nhiệm vụ năm 2025" /></div>
<span class="submitted">Thứ Hai, 06/01/2025 - 08:00</span>
<div class="field field-name-field-tom-tat"><strong>{PART_ONE[0]}</strong></div>
<div class="field field-name-body">{body}<figure><img src="/files/hoi-nghi.jpg" alt="" />
<figcaption>{caption}</figcaption></figure><p>Lan Hương</p></div></article></body></html>"""
    article = extract_article(html, "https://sokhcn.example.gov.vn/node/7", family="generic")
    assert article.body.splitlines() == [PART_ONE[0], *paragraphs]
    assert [(i.src, i.caption) for i in article.images] == [("https://sokhcn.example.gov.vn/files/hoi-nghi.jpg", caption)]


def test_a_picture_shown_twice_keeps_its_caption() -> None:
    """A thumbnail above the body, then the same picture in the body with its caption."""
    caption = "Quang cảnh hội nghị triển khai nhiệm vụ năm 2025"
    body = "".join(f"<p>{p}</p>" for p in PART_TWO)
    html = f"""<html><head><title>Triển khai nhiệm vụ năm 2025</title></head><body>
<h1>Triển khai nhiệm vụ năm 2025</h1><div class="news-detail">
<div class="thumb"><img src="/files/hoi-nghi.jpg" alt="Triển khai nhiệm vụ năm 2025" /></div>
<p class="date">Thứ Hai, 06/01/2025 - 08:00</p><p>{PART_ONE[0]}</p>{body}<figure><img src="/files/hoi-nghi.jpg" alt="" />
<figcaption>{caption}</figcaption></figure><p>Lan Hương</p></div></body></html>"""
    article = extract_article(html, "https://sokhcn.example.gov.vn/tin/7", family="generic")
    assert article.body.splitlines() == [PART_ONE[0], *PART_TWO]
    assert [(i.src, i.caption) for i in article.images] == [("https://sokhcn.example.gov.vn/files/hoi-nghi.jpg", caption)]


def test_a_short_page_wrapped_in_a_form_keeps_its_article() -> None:
    """ASP.NET wraps the whole page in one <form>: chrome removal must not take it for a form."""
    body = "".join(f"<p>{p}</p>" for p in PART_ONE)
    html = f"""<html><head><title>Hội nghị cải cách hành chính</title></head><body>
<form method="post" action="./chi-tiet.aspx?id=12" id="form1"><input type="hidden" name="__VIEWSTATE" value="x" />
<div class="search"><form action="/tim-kiem"><input name="q" /><button>Tìm kiếm</button></form></div>
<h1>Hội nghị cải cách hành chính</h1><span class="date">12/03/2025</span>
<div class="content-detail">{body}<p>Minh Anh</p></div></form></body></html>"""
    article = extract_article(html, "https://skhcn.example.gov.vn/chi-tiet.aspx?id=12", family="generic")
    assert article.body.splitlines() == PART_ONE
    assert "Tìm kiếm" not in article.body


def test_a_page_in_a_form_with_an_indented_layout_table_keeps_its_article() -> None:
    """The whole-page chrome pass never drops a form: a page laid out in a table of indented empty
    cells inside its ASP.NET form has much more raw text than clean text."""
    body = "".join(f"<p>{p}</p>" for p in PART_ONE)
    cells = "".join("<tr>" + "<td>" + " " * 60 + "</td>" * 1 + "\n" + " " * 40 + "</tr>\n" for _ in range(12))
    html = f"""<html><head><title>Hội nghị cải cách hành chính</title></head><body>
<form method="post" action="./chi-tiet.aspx?id=12" id="form1"><input type="hidden" name="__VIEWSTATE" value="x" />
<table class="layout">{cells}</table>
<h1>Hội nghị cải cách hành chính</h1><span class="date">12/03/2025</span>
<div class="content-detail">{body}</div></form></body></html>"""
    article = extract_article(html, "https://skhcn.example.gov.vn/chi-tiet.aspx?id=12", family="generic")
    assert article.status == "ok" and article.body.splitlines()[:len(PART_ONE)] == PART_ONE


def test_a_summary_inside_a_related_box_is_no_lead() -> None:
    """The lead is chosen after the page's chrome is gone: a teaser's summary in "tin khác" is not it."""
    body = "".join(f"<p>{p}</p>" for p in PART_ONE)
    html = f"""<html><head><title>Hội nghị cải cách hành chính</title></head><body>
<h1>Hội nghị cải cách hành chính</h1><span class="date">12/03/2025</span>
<div class="content-detail">{body}</div>
<div class="tin-khac"><h3>Tin khác</h3><a href="/tin/9">Tin cũ</a>
<div class="sapo">Tóm tắt của một bài tin cũ về chuyển đổi số tại các xã trong tỉnh.</div></div>
</body></html>"""
    article = extract_article(html, "https://skhcn.example.gov.vn/tin/12", family="generic")
    assert article.body.splitlines()[:len(PART_ONE)] == PART_ONE
    assert "Tóm tắt của một bài tin cũ" not in article.body


# Lines made of chrome words, prose words and numbers: the quick word test must agree with the
# full phrase test (it only saves the regex work on lines that hold a plain word).
_WORDS = sorted(vocabulary().words)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(["cải", "cách", "hội", "nghị"]),
                          st.integers(0, 2025).map(str)), min_size=1, max_size=8))
def test_the_quick_word_test_agrees_with_the_phrase_test(words: list[str]) -> None:
    line = " ".join(words)
    if not residue(line):
        assert is_chrome_line(line)
    if is_chrome_line(line):
        assert not residue(line) or line.lower().startswith(vocabulary().prefixes) or vocabulary().prefix_keys.match(
            line.lower())


FIXTURES = Path(__file__).parent / "fixtures" / "extract"


@pytest.mark.parametrize("page", sorted(FIXTURES.glob("*/*.html")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_selector_index_finds_what_a_pass_over_the_tree_finds(page: Path) -> None:
    doc = _parse(decode_html(page.read_bytes(), {}))
    wanted = chrome_selectors() + GENERIC.lead + ("h1", "#main", ".content", "title", "meta")  # head ones too
    body = doc.find("body")
    by_pass = find_all(body, wanted)
    first_match(doc, ("title",))  # builds the index of this document
    assert set(find_any(body, wanted)) == set(by_pass)
    for selector in wanted:
        assert first_match(doc, (selector,)) == [el for el in find_all(doc, (selector,))]
        assert first_match(body, (selector,)) == find_all(body, (selector,))  # under an element: an index of its own
