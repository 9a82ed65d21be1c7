"""Attachments in the archive: stored once, linked, searchable, downloaded by the pipeline, exported."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import Response

from archive.attachments import AttachmentStore
from archive.store import Archive
from pipelines.attachments import AttachmentsPipeline
from scrapers.documents import extract_document
from scrapers.documents.requests import attachment_requests, response_filename
from scrapers.items import Article, Attachment
from tests.test_documents import make_plan_docx, make_report_pdf

PDF_URL = "https://skhcn.binhdinh.gov.vn/upload/files/2022/123-bao-cao.pdf"
DOCX_URL = "https://skhcn.binhdinh.gov.vn/upload/files/2023/15-ke-hoach.docx"


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return make_report_pdf()


def article(n: int, *attachments: Attachment) -> Article:
    return Article(url=f"https://skhcn.binhdinh.gov.vn/tin/{n}", title=f"Tin số {n} về CCHC",
                   body=f"Nội dung bài {n} về cải cách hành chính.", site="binhdinh_skhcn",
                   attachments=list(attachments), published_at="2022-06-21")


def stored_archive(path: Path, *articles: Article) -> list[str]:
    with Archive(path) as archive:
        archive.ensure_site("binhdinh_skhcn", "https://skhcn.binhdinh.gov.vn/")
        for item in articles:
            archive.upsert_article(item)
        return [r["id"] for r in archive.db.query("select id from articles order by url")]


def test_same_file_from_two_articles_is_stored_once(tmp_path: Path, pdf_bytes: bytes) -> None:
    db = tmp_path / "a.db"
    ids = stored_archive(db, article(1), article(2))
    document = extract_document(pdf_bytes, filename="123-bao-cao.pdf")
    with AttachmentStore(db) as store:
        first = store.save(PDF_URL, document, pdf_bytes, name="Báo cáo", type="pdf", article=ids[0])
        second = store.save(PDF_URL.replace("2022/", "2022/copy-"), document, pdf_bytes, name="Báo cáo",
                            type="pdf", article=ids[1])
        assert first == second
        assert store.db["attachments"].count == 1 and store.db["article_attachments"].count == 2
        row = store.db["attachments"].get(first)
        assert (row["doc_type"], row["number"], row["doc_date"], row["signer"]) == (
            "BÁO CÁO", "123/BC-SKHCN", "2022-06-20", "Lê Công Nường")
        assert json.loads(row["recipients"])[0] == "Sở Nội vụ (b/c)" and row["pages"] == 3
        assert [d["id"] for d in store.for_article(ids[1])] == [first]
        # A failed refetch never overwrites the good copy.
        store.save(PDF_URL, extract_document(b""), None, article=ids[0])
        assert store.db["attachments"].get(first)["status"] == "ok"


def test_search_finds_documents_without_accents(tmp_path: Path, pdf_bytes: bytes) -> None:
    db = tmp_path / "a.db"
    ids = stored_archive(db, article(1))
    with AttachmentStore(db) as store:
        store.save(PDF_URL, extract_document(pdf_bytes), pdf_bytes, article=ids[0])
        store.save(DOCX_URL, extract_document(make_plan_docx()), make_plan_docx(), article=ids[0])
        assert [r["number"] for r in store.search("don doc cac phong")] == ["123/BC-SKHCN"]  # đ found by d
        assert [r["number"] for r in store.search("chi so hai long")] == ["15/KH-SKHCN"]
        assert {r["number"] for r in store.search("cai cach hanh chinh")} == {"123/BC-SKHCN", "15/KH-SKHCN"}
        assert store.search("khong co tu nay") == []
        store.rebuild_search()
        assert len(store.search("Cải cách hành chính")) == 2


class FakeEngine:
    """Answers download_async like the engine would, counting requests."""

    def __init__(self, bodies: dict[str, tuple[int, bytes, dict[str, str]] | BaseException]) -> None:
        self.bodies = bodies
        self.requests: list[Request] = []

    async def download_async(self, request: Request) -> Response:
        self.requests.append(request)
        await asyncio.sleep(0)
        if request.url not in self.bodies:
            raise ConnectionError("connection refused")
        if isinstance(self.bodies[request.url], BaseException):
            raise self.bodies[request.url]
        status, body, headers = self.bodies[request.url]
        request.meta["warc"] = {"file": "run-1.warc.gz", "offset": 10, "length": len(body)}
        return Response(request.url, status=status, body=body, headers=headers, request=request)


class FakeCrawler:
    def __init__(self, engine: FakeEngine) -> None:
        from scrapy.settings import Settings

        self.engine = engine
        self.stats = None
        self.settings = Settings()


def test_pipeline_downloads_extracts_links_and_exports(tmp_path: Path, pdf_bytes: bytes) -> None:
    db = tmp_path / "a.db"
    pdf = Attachment(url=PDF_URL, name="Báo cáo CCHC", type="pdf")
    docx = Attachment(url=DOCX_URL, name="Kế hoạch CCHC", type="docx")
    gone = Attachment(url="https://skhcn.binhdinh.gov.vn/upload/gone.pdf", name="Mất", type="pdf")
    sheet = Attachment(url="https://skhcn.binhdinh.gov.vn/upload/bang.xlsx", name="Bảng", type="xlsx")
    image = Attachment(url="https://skhcn.binhdinh.gov.vn/upload/anh.jpg", name="Ảnh", type="jpg")
    first, second = article(1, pdf, docx, gone, sheet, image), article(2, pdf)
    stored_archive(db, first, second)
    engine = FakeEngine({
        PDF_URL: (200, pdf_bytes, {"Content-Type": "application/pdf"}),
        DOCX_URL: (200, make_plan_docx(), {"Content-Disposition": 'attachment; filename="15-ke-hoach.docx"'}),
        sheet.url: (200, b"PK\x03\x04 not really", {}),
    })
    pipeline = AttachmentsPipeline(FakeCrawler(engine), str(db))  # type: ignore[arg-type]
    pipeline.open_spider()

    async def run() -> None:
        for item in (first, second):
            assert await pipeline.process_item(item) is item

    asyncio.run(run())
    pipeline.close_spider()
    assert sorted(r.url for r in engine.requests) == sorted([PDF_URL, DOCX_URL, gone.url, sheet.url])
    assert all(r.meta["download_maxsize"] == 25 * 1024 * 1024 and r.meta["kind"] == "attachment"
               for r in engine.requests)
    with AttachmentStore(db) as store:
        rows = {r["url"]: r for r in store.db.query("select * from attachments")}
        assert rows[PDF_URL]["status"] == "ok" and rows[PDF_URL]["warc_file"] == "run-1.warc.gz"
        assert rows[DOCX_URL]["doc_type"] == "KẾ HOẠCH"
        assert rows[gone.url]["status"] == "failed" and "connection refused" in rows[gone.url]["reason"]
        assert rows[sheet.url]["status"] in ("not_parsed", "failed")
        assert store.db["article_attachments"].count == 5  # the second article's PDF linked, not refetched

    from archive.export import iter_articles

    records = {r["url"]: r for r in iter_articles(db)}
    attached = {a["url"]: a for a in records[first.url]["attachments"]}
    assert attached[PDF_URL]["document"]["number"] == "123/BC-SKHCN"
    assert attached[PDF_URL]["document"]["recipients"][0] == "Sở Nội vụ (b/c)"
    assert "document" not in attached[image.url]
    assert records[second.url]["attachments"][0]["document"]["title"] == (
        "Công tác cải cách hành chính 6 tháng đầu năm 2022")
    # one record per story carries its canonical copy's documents too
    from archive.export import iter_stories

    stories = {r["url"]: r for r in iter_stories(db)}
    assert {a["url"]: a for a in stories[first.url]["attachments"]}[PDF_URL]["document"]["number"] == "123/BC-SKHCN"


def test_attachment_requests_and_filenames() -> None:
    item = article(1, Attachment(url=PDF_URL, type="pdf"), Attachment(url=PDF_URL, type="pdf"),
                   Attachment(url="mailto:vanthu@binhdinh.gov.vn"),
                   Attachment(url="https://x.gov.vn/a.DOC"), Attachment(url="https://x.gov.vn/a.zip", type="zip"))
    requests = attachment_requests(item, max_bytes=1000)
    assert [r.url for r in requests] == [PDF_URL, "https://x.gov.vn/a.DOC"]
    assert requests[0].meta["found_on"] == item.url and requests[0].meta["download_maxsize"] == 1000
    assert response_filename("https://x.gov.vn/f/B%C3%A1o.pdf") == "Báo.pdf"
    assert response_filename("https://x/y", "inline; filename*=UTF-8''k%E1%BA%BF.docx") == "kế.docx"


def test_pipeline_ignores_errors_and_articles_without_attachments(tmp_path: Path) -> None:
    from scrapers.items import CrawlError

    pipeline = AttachmentsPipeline(FakeCrawler(FakeEngine({})), str(tmp_path / "a.db"))  # type: ignore[arg-type]
    pipeline.open_spider()
    error: Any = CrawlError(url="https://x", reason="boom")
    assert asyncio.run(pipeline.process_item(error)) is error
    plain = article(3)
    assert asyncio.run(pipeline.process_item(plain)) is plain
    pipeline.close_spider()


def test_datasette_lists_an_articles_documents(tmp_path: Path, pdf_bytes: bytes) -> None:
    from datasette.app import Datasette

    from archive.datasette_attachments import article_documents

    db = tmp_path / "a.db"
    ids = stored_archive(db, article(1))
    with AttachmentStore(db) as store:
        store.save(PDF_URL, extract_document(pdf_bytes), pdf_bytes, name="Báo cáo", type="pdf", article=ids[0])
    documents = asyncio.run(article_documents(Datasette([str(db)]), "a", ids[0]))
    assert [(d["doc_type"], d["number"], d["signer"], d["recipients"][-1]) for d in documents] == [
        ("BÁO CÁO", "123/BC-SKHCN", "Lê Công Nường", "Lưu: VT, VP")]


def test_pipeline_reads_again_a_spreadsheet_stored_as_not_parsed(tmp_path: Path) -> None:
    from scrapers.documents import Document
    from tests.test_documents_spreadsheets import make_workbook

    db = tmp_path / "a.db"
    sheet = Attachment(url="https://skhcn.binhdinh.gov.vn/upload/tong-hop.xlsx", name="Bảng", type="xlsx")
    first = article(1, sheet)
    ids = stored_archive(db, first)
    data = make_workbook()
    with AttachmentStore(db) as store:  # archived before XLSX parsing existed
        old = store.save(sheet.url, Document.failed("XLSX files are recorded but not parsed", type="xlsx",
                                                    size=len(data), status="not_parsed"),
                         data, name="Bảng", type="xlsx", article=ids[0])
    engine = FakeEngine({sheet.url: (200, data, {})})
    pipeline = AttachmentsPipeline(FakeCrawler(engine), str(db))  # type: ignore[arg-type]
    pipeline.open_spider()
    asyncio.run(pipeline.process_item(first))
    pipeline.close_spider()
    assert [r.url for r in engine.requests] == [sheet.url]
    with AttachmentStore(db) as store:
        rows = list(store.db.query("select * from attachments"))
        assert [(r["id"], r["status"], r["extractor"]) for r in rows] == [(old, "ok", "openpyxl")]
        assert "Sở Tư pháp" in rows[0]["text"] and store.db["article_attachments"].count == 1
        assert [r["id"] for r in store.search("so tu phap")] == [old]


def test_pipeline_explains_a_download_over_the_limit(tmp_path: Path) -> None:
    from scrapy.exceptions import DownloadCancelledError

    db = tmp_path / "a.db"
    big = Attachment(url="https://skhcn.binhdinh.gov.vn/upload/lon.pdf", name="Lớn", type="pdf")
    first = article(1, big)
    stored_archive(db, first)
    engine = FakeEngine({big.url: DownloadCancelledError("Cancelling download: larger than download max size")})
    pipeline = AttachmentsPipeline(FakeCrawler(engine), str(db), max_bytes=1000)  # type: ignore[arg-type]
    pipeline.open_spider()
    asyncio.run(pipeline.process_item(first))
    pipeline.close_spider()
    with AttachmentStore(db) as store:
        row = store.known(big.url)
    assert row is not None and row["status"] == "failed" and "download stopped" in row["reason"]
