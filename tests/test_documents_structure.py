"""The outline of official documents: Chương/Mục/Điều/khoản/điểm and I./1./a) sections, stored and shown."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import sqlite_utils

from archive.attachments import AttachmentStore, documents_of
from scrapers.documents import extract_document
from archive.datasette_attachments import heading_label, outline_headings
from scrapers.documents.structure import Part, legal_structure, part_text
from scrapers.items import Attachment
from tests.test_attachments import article, stored_archive

# Our own texts, written for these tests (no real document copied).
DECISION = """ỦY BAN NHÂN DÂN HUYỆN AN HẢI
QUYẾT ĐỊNH
Ban hành Quy chế tiếp nhận hồ sơ trực tuyến
Căn cứ Luật Tổ chức chính quyền địa phương;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế tiếp nhận hồ sơ trực tuyến.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng và Thủ trưởng các cơ quan chịu trách nhiệm thi hành./.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
QUY CHẾ
Tiếp nhận hồ sơ trực tuyến
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
1. Quy chế này quy định việc tiếp nhận hồ sơ qua Cổng dịch vụ công.
2. Hồ sơ được tiếp nhận theo quy định tại Điều 5 của Luật Giao dịch điện tử và các điểm sau:
a) Hồ sơ của cá nhân;
b) Hồ sơ của tổ chức;
c) Hồ sơ liên thông.
Điều 5 của Luật Giao dịch điện tử được áp dụng cho mọi hồ sơ.
Điều 2. Đối tượng áp dụng
Cán bộ, công chức bộ phận một cửa cấp huyện.
Chương II. TRÁCH NHIỆM TIẾP NHẬN
Mục 1
TIẾP NHẬN
Điều 3. Kiểm tra hồ sơ
1. Công chức kiểm tra tính đầy đủ của hồ sơ trong ngày làm việc.
2. Hồ sơ chưa đủ được hướng dẫn bổ sung một lần.
Mục 2. TRẢ KẾT QUẢ
Điều 4. Trả kết quả
Kết quả được trả trực tuyến hoặc tại bộ phận một cửa."""

PLAN = """KẾ HOẠCH
Chuyển đổi số trong cải cách hành chính năm 2025
Thực hiện chỉ đạo của UBND tỉnh, Sở ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
a) Rút ngắn thời gian giải quyết thủ tục.
b) Tăng tỷ lệ hồ sơ trực tuyến.
2. Yêu cầu
Bảo đảm 1.500 hồ sơ được số hóa trong 12 tháng; 3 đơn vị hoàn thành trước ngày 30.6.2025.
II. NHIỆM VỤ
1. Số hóa hồ sơ
1.1. Rà soát kho lưu trữ
1.2. Quét và gắn mã hồ sơ
2. Đào tạo công chức
III. TỔ CHỨC THỰC HIỆN
Văn phòng Sở theo dõi, tổng hợp kết quả./."""

NOISY = """QUYẾT ĐỊNH:
Điều 1 . Phê duyệt danh mục thủ tục hành chính.
ĐIỀU 2: Giao Văn phòng công bố danh mục.
Ðiều 3
Dieu 4. Hieu luc thi hanh
1 . Quyết định có hiệu lực từ ngày ký.
2) Bãi bỏ quyết định trước.
a ) Các điểm còn hiệu lực giữ nguyên.
CHƯƠNG  II
Chuong III - Điều khoản thi hành"""


def shape(parts: list[Part]) -> list[tuple]:
    """(kind, number, title, children) of an outline, for comparison."""
    return [(p.kind, p.number, p.title, shape(p.children)) for p in parts]


def test_decision_with_chapters_articles_clauses_and_points() -> None:
    parts = legal_structure(DECISION)
    assert shape(parts) == [
        ("dieu", "1", "Ban hành kèm theo Quyết định này Quy chế tiếp nhận hồ sơ trực tuyến.", []),
        ("dieu", "2", "Quyết định này có hiệu lực kể từ ngày ký.", []),
        ("dieu", "3", "Chánh Văn phòng và Thủ trưởng các cơ quan chịu trách nhiệm thi hành./.", []),
        ("chuong", "I", "QUY ĐỊNH CHUNG", [
            ("dieu", "1", "Phạm vi điều chỉnh", [
                ("khoan", "1", "Quy chế này quy định việc tiếp nhận hồ sơ qua Cổng dịch vụ công.", []),
                ("khoan", "2", "Hồ sơ được tiếp nhận theo quy định tại Điều 5 của Luật Giao dịch điện tử và các "
                               "điểm sau:", [
                    ("diem", "a", "Hồ sơ của cá nhân;", []),
                    ("diem", "b", "Hồ sơ của tổ chức;", []),
                    ("diem", "c", "Hồ sơ liên thông.", []),
                ]),
            ]),
            ("dieu", "2", "Đối tượng áp dụng", []),
        ]),
        ("chuong", "II", "TRÁCH NHIỆM TIẾP NHẬN", [
            ("muc", "1", "TIẾP NHẬN", [
                ("dieu", "3", "Kiểm tra hồ sơ", [
                    ("khoan", "1", "Công chức kiểm tra tính đầy đủ của hồ sơ trong ngày làm việc.", []),
                    ("khoan", "2", "Hồ sơ chưa đủ được hướng dẫn bổ sung một lần.", []),
                ]),
            ]),
            ("muc", "2", "TRẢ KẾT QUẢ", [("dieu", "4", "Trả kết quả", [])]),
        ]),
    ]


def test_offsets_cut_each_part_out_of_the_text() -> None:
    parts = legal_structure(DECISION)
    # The decision's last article ends with its "./." line: recipients are not part of it.
    assert part_text(DECISION, parts[2]).endswith("thi hành./.")
    chapter = parts[3]
    assert part_text(DECISION, chapter).startswith("Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh")
    assert part_text(DECISION, chapter).endswith("Cán bộ, công chức bộ phận một cửa cấp huyện.")
    clause = chapter.children[0].children[1]
    assert part_text(DECISION, clause).startswith("2. Hồ sơ được tiếp nhận")
    # The sentence that starts with "Điều 5 của Luật" belongs to clause 2 of Điều 1.
    assert part_text(DECISION, clause).endswith("Điều 5 của Luật Giao dịch điện tử được áp dụng cho mọi hồ sơ.")
    assert part_text(DECISION, parts[-1]).endswith("tại bộ phận một cửa.")
    assert parts[-1].end == len(DECISION)


def test_dieu_inside_a_sentence_never_starts_a_part() -> None:
    text = ("Căn cứ Điều 5 của Luật Cán bộ, công chức;\n"
            "Theo quy định tại Điều 5 của Luật, Sở thực hiện như sau:\n"
            "Điều 5 của Luật này quy định rõ thẩm quyền.\n"
            "Điều khoản chuyển tiếp được giữ nguyên.\n"
            "Điều lệ hội được thông qua.\n"
            "Chương trình hành động số 09 được ban hành.\n"
            "Mục tiêu đến năm 2025 đạt 80%.\n"
            "2 đồng chí được cử tham gia; 2.500 hồ sơ; ngày 30.6.2025.\n"
            "V/v triển khai kế hoạch")
    assert legal_structure(text) == []
    # Right after Điều 4, "Điều 5 của Luật" has the next number: only its wording says it is a sentence.
    text = "Điều 4. Trách nhiệm\nĐiều 5 của Luật Cán bộ, công chức được áp dụng.\nĐiều 5. Hiệu lực thi hành"
    parts = legal_structure(text)
    assert shape(parts) == [("dieu", "4", "Trách nhiệm", []), ("dieu", "5", "Hiệu lực thi hành", [])]
    assert part_text(text, parts[0]).endswith("được áp dụng.")
    top_two_levels = [p.kind for p in legal_structure(DECISION) for p in [p, *p.children]]
    assert top_two_levels.count("dieu") == 5  # the decision's Điều 1-3, then Điều 1-2 of chapter I


def test_plan_with_roman_numbered_and_points() -> None:
    parts = legal_structure(PLAN)
    assert shape(parts) == [
        ("roman", "I", "MỤC ĐÍCH, YÊU CẦU", [
            ("numbered", "1", "Mục đích", [
                ("diem", "a", "Rút ngắn thời gian giải quyết thủ tục.", []),
                ("diem", "b", "Tăng tỷ lệ hồ sơ trực tuyến.", []),
            ]),
            ("numbered", "2", "Yêu cầu", []),
        ]),
        ("roman", "II", "NHIỆM VỤ", [
            ("numbered", "1", "Số hóa hồ sơ", [
                ("numbered", "1.1", "Rà soát kho lưu trữ", []),
                ("numbered", "1.2", "Quét và gắn mã hồ sơ", []),
            ]),
            ("numbered", "2", "Đào tạo công chức", []),
        ]),
        ("roman", "III", "TỔ CHỨC THỰC HIỆN", []),
    ]
    headings = outline_headings([p.to_dict() for p in parts])
    assert [(h["depth"], h["label"]) for h in headings][:4] == [
        (0, "I. MỤC ĐÍCH, YÊU CẦU"), (1, "1. Mục đích"), (1, "2. Yêu cầu"), (0, "II. NHIỆM VỤ")]


def test_noisy_spacing_capitals_eth_missing_tones_and_titles() -> None:
    assert shape(legal_structure(NOISY)) == [
        ("dieu", "1", "Phê duyệt danh mục thủ tục hành chính.", []),
        ("dieu", "2", "Giao Văn phòng công bố danh mục.", []),
        ("dieu", "3", "", []),
        ("dieu", "4", "Hieu luc thi hanh", [
            ("khoan", "1", "Quyết định có hiệu lực từ ngày ký.", []),
            ("khoan", "2", "Bãi bỏ quyết định trước.", [("diem", "a", "Các điểm còn hiệu lực giữ nguyên.", [])]),
        ]),
        ("chuong", "II", "", []),
        ("chuong", "III", "Điều khoản thi hành", []),
    ]
    assert heading_label({"kind": "dieu", "number": "3", "title": ""}) == "Điều 3."
    assert heading_label({"kind": "diem", "number": "a", "title": "Hồ sơ"}) == "a) Hồ sơ"


def test_numbers_out_of_order_are_text() -> None:
    text = "Điều 1. Phạm vi\na) Điểm đầu\nđ) Điểm lạc thứ tự\n7. Khoản lạc\nĐiều 9. Số nhảy quá xa\nIX. Mục lạc"
    assert shape(legal_structure(text)) == [("dieu", "1", "Phạm vi", [("diem", "a", "Điểm đầu", [])])]
    assert legal_structure("") == []


def make_decision_docx() -> bytes:
    from docx import Document as new_docx

    document = new_docx()
    for line in DECISION.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DOCX_URL = "https://skhcn.binhdinh.gov.vn/upload/files/2025/quy-che.docx"


def test_extracted_docx_stores_exports_and_shows_its_outline(tmp_path: Path) -> None:
    data = make_decision_docx()
    document = extract_document(data, filename="quy-che.docx")
    assert document.status == "ok" and document.fields["doc_type"] == "QUYẾT ĐỊNH"
    outline = document.fields["structure"]
    assert [(p["kind"], p["number"]) for p in outline] == [
        ("dieu", "1"), ("dieu", "2"), ("dieu", "3"), ("chuong", "I"), ("chuong", "II")]
    assert part_text(document.text, outline[3]["children"][0]).startswith("Điều 1. Phạm vi điều chỉnh\n1. Quy chế")
    assert json.loads(json.dumps(document.to_dict()))["fields"]["structure"] == outline

    db = tmp_path / "a.db"
    ids = stored_archive(db, article(1, Attachment(url=DOCX_URL, name="Quy chế", type="docx")))
    with AttachmentStore(db) as store:
        store.save(DOCX_URL, document, data, name="Quy chế", type="docx", article=ids[0])
        row = store.db["attachments"].get(1)
        assert json.loads(row["structure"]) == outline
        assert documents_of(store.db.conn, ids[0])[0]["structure"] == outline

    from archive.export import iter_articles

    record = next(iter_articles(db))
    assert record["attachments"][0]["document"]["structure"] == outline
    from archive.datasette_attachments import article_documents
    from archive.serve import datasette_app

    ds = datasette_app(db)
    documents = asyncio.run(article_documents(ds, "a", ids[0]))
    assert [h["label"] for h in documents[0]["outline"]][:4] == [
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế tiếp nhận hồ sơ trực tuyến.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "Điều 3. Chánh Văn phòng và Thủ trưởng các cơ quan chịu trách nhiệm thi hành./.",
        "Chương I. QUY ĐỊNH CHUNG"]

    async def page() -> str:
        response = await ds.client.get(f"/a/articles/{ids[0]}")
        assert response.status_code == 200
        return response.text

    html = asyncio.run(page())
    assert "Bố cục / Outline" in html and "Mục 2. TRẢ KẾT QUẢ" in html and "Điều 4. Trả kết quả" in html


def test_migration_fills_the_outline_of_documents_already_stored(tmp_path: Path) -> None:
    data = make_decision_docx()
    document = extract_document(data, filename="quy-che.docx")
    db_path = tmp_path / "a.db"
    ids = stored_archive(db_path, article(1))
    with AttachmentStore(db_path) as store:
        store.save(DOCX_URL, document, data, name="Quy chế", type="docx", article=ids[0])
    db = sqlite_utils.Database(db_path)  # as an archive written before m010
    db.execute("ALTER TABLE attachments DROP COLUMN structure")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_attachment_structure'")
    db.conn.commit()
    db.close()
    with AttachmentStore(db_path) as store:
        stored = json.loads(store.db["attachments"].get(1)["structure"])
    assert stored == document.fields["structure"] and stored[3]["title"] == "QUY ĐỊNH CHUNG"
