"""Site-level template learning strips lines that recur across a site's pages."""

from scrapers.extract.template import SiteTemplate

RECURRING = "Mọi ý kiến đóng góp xin gửi về hộp thư của Văn phòng Sở"


def _body(i: int) -> str:
    return f"Đoạn mở đầu riêng của bài số {i} về cải cách hành chính.\nNội dung riêng thứ {i}.\n{RECURRING}"


def test_recurring_line_is_learnt_and_stripped() -> None:
    template = SiteTemplate()
    for i in range(10):
        template.feed(_body(i))
    assert template.strip(_body(42)).splitlines() == [
        "Đoạn mở đầu riêng của bài số 42 về cải cách hành chính.", "Nội dung riêng thứ 42."]


def test_nothing_is_learnt_from_few_pages() -> None:
    template = SiteTemplate()
    for i in range(3):
        template.feed(_body(i))
    assert template.strip(_body(7)) == _body(7)


def test_long_prose_is_never_template() -> None:
    long_line = " ".join(["chữ"] * 60)
    template = SiteTemplate()
    for i in range(10):
        template.feed(f"Bài {i}.\n{long_line}")
    assert long_line in template.strip(f"Bài mới.\n{long_line}")


def test_a_finished_sentence_repeated_across_articles_stays() -> None:
    closing = ("Sở tiếp tục rà soát, đề xuất cắt giảm, đơn giản hóa các TTHC không còn phù hợp "
               "với thực tiễn quản lý.")
    template = SiteTemplate()
    for i in range(10):
        template.feed(f"{_body(i)}\n{closing}")
    stripped = template.strip(f"{_body(3)}\n{closing}").splitlines()
    assert closing in stripped and RECURRING not in stripped
