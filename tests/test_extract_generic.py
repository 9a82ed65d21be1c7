"""The generic path on pages no profile knows: split bodies, menus of short links, the chrome key."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.extract import extract_article
from scrapers.extract.chrome import is_chrome_line, residue, vocabulary
from scrapers.extract.generic import MainText

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
