"""TemplatePipeline learns recurring lines per site during a crawl and strips them from bodies."""

from __future__ import annotations

from pathlib import Path

from pipelines.template import TemplatePipeline, strip_html
from scrapers.extract.chrome import fold
from scrapers.items import Article, CrawlError

RECURRING = "Mọi ý kiến đóng góp xin gửi về hộp thư điện tử của Văn phòng Sở"


def _article(i: int, site: str = "a_site") -> Article:
    body = f"Đoạn mở đầu riêng của bài số {i} về cải cách hành chính.\nNội dung riêng thứ {i}.\n{RECURRING}"
    html = "".join(f"<p>{line}</p>" for line in body.splitlines())
    return Article(url=f"https://a.gov.vn/{i}", title=f"Bài {i}", body=body, body_html=html, site=site,
                   word_count=len(body.split()))


def test_recurring_line_is_stripped_once_learnt_and_early_pages_pass_untouched() -> None:
    pipeline = TemplatePipeline(prime_pages=0)
    out = [pipeline.process_item(_article(i)) for i in range(8)]
    assert RECURRING in out[0].body  # too few pages seen yet: nothing is learnt
    assert RECURRING not in out[-1].body
    assert RECURRING not in out[-1].body_html
    assert out[-1].body.splitlines() == ["Đoạn mở đầu riêng của bài số 7 về cải cách hành chính.",
                                         "Nội dung riêng thứ 7."]
    assert out[-1].word_count == len(out[-1].body.split())


def test_sites_learn_separately() -> None:
    pipeline = TemplatePipeline(prime_pages=0)
    for i in range(8):
        pipeline.process_item(_article(i, "site_a"))
    other = pipeline.process_item(_article(99, "site_b"))
    assert RECURRING in other.body


def test_crawl_errors_failed_and_one_line_bodies_pass() -> None:
    pipeline = TemplatePipeline(prime_pages=0)
    error = CrawlError(url="https://a.gov.vn/x", reason="http 500")
    assert pipeline.process_item(error) is error
    for i in range(8):
        pipeline.process_item(_article(i))
    only = Article(url="https://a.gov.vn/only", title="T", body=RECURRING, site="a_site")
    assert pipeline.process_item(only).body == RECURRING  # never emptied


def test_template_is_primed_from_the_archive(tmp_path: Path) -> None:
    from archive.store import Archive

    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.ensure_site("a_site", "https://a.gov.vn/")
        for i in range(10):
            article = _article(i)
            article.published_at = "2024-01-0%d" % (i % 9 + 1)
            archive.upsert_article(article)
    pipeline = TemplatePipeline(str(db))
    first = pipeline.process_item(_article(100))
    assert RECURRING not in first.body  # the first page of the crawl is already cleaned


def test_strip_html_keeps_other_blocks() -> None:
    html = "<p>Giữ <b>lại</b></p><p>Bỏ đi</p><ul><li>Bỏ đi</li></ul>"
    assert strip_html(html, {fold("Bỏ đi")}) == "<p>Giữ <b>lại</b></p><ul></ul>"
