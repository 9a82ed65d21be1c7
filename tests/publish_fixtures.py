"""A small Vietnamese test archive for the publishing tests (Datasette pages, browser, export)."""

from __future__ import annotations

from pathlib import Path

from archive.store import Archive
from scrapers.items import Article, Attachment, CrawlError, Image
from scrapers.registry import load_registry

DN = "https://dost.danang.gov.vn/tin-tuc/-/view/"
QT = "https://sokhcn.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/2/"
BD = "https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin="

REFORM_URL = DN + "101"
EVIL_URL = QT + "666"
REVISED_URL = BD + "7"

REFORM_BODY = [
    "Sáng ngày 14/7, Sở Khoa học và Công nghệ thành phố Đà Nẵng tổ chức hội nghị sơ kết công tác "
    "cải cách hành chính 6 tháng đầu năm 2024.",
    "Theo báo cáo, 100% thủ tục hành chính của Sở được cung cấp dịch vụ công trực tuyến toàn trình; "
    "tỷ lệ hồ sơ giải quyết đúng hạn đạt 99,6%.",
    "Kết luận hội nghị, Giám đốc Sở yêu cầu các phòng tiếp tục rà soát, đơn giản hoá thủ tục hành chính "
    "và nâng cao chỉ số hài lòng của người dân, doanh nghiệp.",
]
EVIL_HTML = (
    "<p>Nội dung có mã độc đã được làm sạch.</p>"
    "<script>window.__pwned = 1; document.title = 'pwned';</script>"
    "<img src=\"x\" onerror=\"window.__pwned = 2; document.title = 'pwned'\">"
    "<p onclick=\"window.__pwned = 3\">Đoạn thứ hai <a href=\"javascript:window.__pwned=4\">liên kết</a>.</p>"
    "<iframe src=\"https://evil.example/\"></iframe><style>body{display:none}</style>"
)
TOPICS = [
    ("Đẩy mạnh cải cách hành chính, nâng cao chỉ số hài lòng", True),
    ("Triển khai bộ phận một cửa liên thông hiện đại", True),
    ("Hội nghị tập huấn chuyển đổi số cho cán bộ, công chức", False),
    ("Nghiệm thu đề tài khoa học về thuỷ lợi và nông nghiệp", False),
    ("Kiểm tra công tác cải cách hành chính tại các phòng chuyên môn", True),
]
SITES = ["danang_dost", "quangtri_sokhcn", "binhdinh_skhcn", "cantho_sokhcn", "nghean_hcc"]


def filler_articles() -> list[Article]:
    """Articles spread over 2023–2025 and five sites (for facets, the chart and the lists)."""
    articles = []
    for n in range(30):
        title, reform = TOPICS[n % len(TOPICS)]
        site = SITES[n % len(SITES)]
        month = 1 + (n * 7) % 12
        year = 2023 + n % 3
        articles.append(Article(
            url=f"https://example-{site}.gov.vn/tin/{n}", site=site, reform=reform,
            title=f"{title} (số {n})", published_at=f"{year}-{month:02d}-{1 + n % 27:02d}T09:{n:02d}:00+07:00",
            category="Cải cách hành chính" if reform else "Tin hoạt động", author="Phòng Văn phòng",
            body=f"Bài số {n}: hoạt động của đơn vị trong tháng {month} năm {year}.\nCán bộ hoà đồng, "
                 f"khoẻ mạnh, tham gia đầy đủ.", word_count=20))
    return articles


def main_articles() -> list[Article]:
    """The articles the tests open by URL."""
    return [
        Article(
            url=REFORM_URL, site="danang_dost", reform=True, category="Cải cách hành chính",
            title="Đà Nẵng: sơ kết công tác cải cách hành chính 6 tháng đầu năm 2024",
            published_at="2025-07-14T14:39:00+07:00", author="Minh Anh", source="Văn phòng Sở",
            body="\n".join(REFORM_BODY), word_count=90,
            images=[Image(src="https://dost.danang.gov.vn/uploads/hoinghi.jpg", caption="Quang cảnh hội nghị sơ kết")],
            attachments=[Attachment(url="https://dost.danang.gov.vn/files/kehoach-cchc-2024.pdf",
                                    name="Kế hoạch CCHC năm 2024", type="pdf")]),
        Article(
            url=EVIL_URL, site="quangtri_sokhcn", published_at="2025-06-01T08:00:00+07:00",
            title="Tin có <script>window.__pwned=9</script> trong tiêu đề",
            body="Nội dung có mã độc đã được làm sạch.\nĐoạn thứ hai liên kết.", body_html=EVIL_HTML,
            images=[Image(src="javascript:window.__pwned=5", caption="<b onmouseover=x>Ảnh</b>")],
            attachments=[Attachment(url="javascript:window.__pwned=6", name="Tệp lạ", type="pdf")]),
        Article(
            url=REVISED_URL, site="binhdinh_skhcn", published_at="2025-05-02", reform=True,
            title="Công bố thủ tục hành chính mới", body="Bản sửa: công bố 12 thủ tục hành chính mới."),
    ]


def build_archive(path: Path) -> Path:
    """Write the test archive at ``path``: sites, articles, one revision, two crawl runs with a failure."""
    with Archive(path) as archive:
        archive.sync_sites(load_registry().values())
        archive.upsert_article(Article(url=REVISED_URL, site="binhdinh_skhcn", published_at="2025-05-01",
                                       reform=True, title="Công bố thủ tục hành chính",
                                       body="Bản đầu: công bố 10 thủ tục hành chính."))
        for article in [*main_articles(), *filler_articles()]:
            archive.upsert_article(article)
        ok = archive.start_run("registry", SITES)
        archive.finish_run(ok, {"per_site": {s: {"new": 6} for s in SITES}}, "ok")
        failed = archive.start_run("registry", ["cantho_sokhcn", "nghean_hcc"])
        archive.record_error(failed, CrawlError(url="https://hcc.nghean.gov.vn/", site="nghean_hcc",
                                                reason="DNS lookup failed", kind="dns"))
        archive.write_run_counts(failed, {"per_site": {"cantho_sokhcn": {"new": 1},
                                                        "nghean_hcc": {"errors": 1}}})
        archive.fail_run(failed, "nghean_hcc unreachable")
    return path
