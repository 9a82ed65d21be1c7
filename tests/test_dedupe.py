"""Stories, near-duplicates, revisions and gone pages in the archive (no network, in memory)."""

from __future__ import annotations

import json

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.clock import now_iso
from archive.store import Archive, article_row
from scrapers.items import Article, CrawlError
from scrapers.registry import load_registry

BD = "binhdinh_skhcn"
QT = "quangtri_sokhcn"
LS = "langson_sokhcn"

STORY = [
    "Sáng ngày 14/7, Sở Khoa học và Công nghệ tỉnh Bình Định tổ chức hội nghị sơ kết công tác cải cách "
    "hành chính 6 tháng đầu năm 2022 và triển khai nhiệm vụ trọng tâm 6 tháng cuối năm.",
    "Theo báo cáo tại hội nghị, trong 6 tháng đầu năm, Sở đã tiếp nhận 214 hồ sơ thủ tục hành chính, "
    "trong đó 189 hồ sơ được nộp trực tuyến qua Cổng Dịch vụ công của tỉnh, tỷ lệ giải quyết trước và "
    "đúng hạn đạt 100%, không có hồ sơ trễ hạn.",
    "Sở đã rà soát, đề nghị đơn giản hóa 7 thủ tục hành chính thuộc lĩnh vực sở hữu trí tuệ, tiêu chuẩn đo "
    "lường chất lượng và chuyển giao công nghệ; 100% văn bản đi được ký số và gửi trên môi trường điện tử.",
    "Phát biểu chỉ đạo, Giám đốc Sở Nguyễn Văn Hùng đề nghị các phòng, đơn vị tiếp tục nâng cao chất lượng "
    "phục vụ người dân và doanh nghiệp, đẩy mạnh chuyển đổi số, số hóa hồ sơ, kết quả giải quyết thủ tục "
    "hành chính theo Đề án 06 của Chính phủ.",
    "Dịp này, Sở đã khen thưởng 3 tập thể và 9 cá nhân có thành tích xuất sắc trong công tác cải cách hành "
    "chính giai đoạn 2021 - 2022.",
]

TEMPLATE_BD = [
    "Ngày 10/01/2022, UBND tỉnh Bình Định ban hành Kế hoạch số 05/KH-UBND về cải cách hành chính năm 2022 "
    "nhằm tạo chuyển biến mạnh mẽ về kỷ luật, kỷ cương hành chính trên địa bàn tỉnh.",
    "Kế hoạch đặt mục tiêu 100% thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn "
    "trình; tỷ lệ hồ sơ nộp trực tuyến của tỉnh Bình Định đạt trên 50%; chỉ số PAR INDEX của tỉnh xếp trong "
    "nhóm 20 địa phương dẫn đầu cả nước.",
    "Các nhiệm vụ trọng tâm gồm: cải cách thể chế, cải cách thủ tục hành chính, cải cách tổ chức bộ máy, cải "
    "cách chế độ công vụ, cải cách tài chính công và xây dựng chính quyền số tỉnh Bình Định.",
    "Chủ tịch UBND tỉnh Phạm Anh Tuấn yêu cầu Giám đốc các sở, Chủ tịch UBND các huyện An Nhơn, Tuy Phước, "
    "Phù Cát quán triệt và tổ chức thực hiện nghiêm túc, báo cáo kết quả trước ngày 15/12/2022.",
]

TEMPLATE_QT = [
    "Ngày 18/01/2022, UBND tỉnh Quảng Trị ban hành Kế hoạch số 12/KH-UBND về cải cách hành chính năm 2022 "
    "nhằm nâng cao hiệu lực, hiệu quả quản lý nhà nước trên địa bàn tỉnh.",
    "Kế hoạch đặt mục tiêu 80% thủ tục hành chính được cung cấp dịch vụ công trực tuyến một phần; tỷ lệ hồ "
    "sơ nộp trực tuyến của tỉnh Quảng Trị đạt trên 30%; chỉ số hài lòng của người dân đạt trên 85%.",
    "Các nhiệm vụ trọng tâm gồm: cải cách thể chế, cải cách thủ tục hành chính, cải cách tổ chức bộ máy, cải "
    "cách chế độ công vụ, cải cách tài chính công và xây dựng chính quyền số tỉnh Quảng Trị.",
    "Chủ tịch UBND tỉnh Võ Văn Hưng giao Sở Nội vụ theo dõi, đôn đốc các huyện Hải Lăng, Gio Linh, Cam Lộ "
    "triển khai thực hiện và tổng hợp kết quả báo cáo Bộ Nội vụ theo quy định.",
]


def article(site: str, url: str, body: list[str] | str, **fields) -> Article:
    text = body if isinstance(body, str) else "\n".join(body)
    values = {"url": url, "site": site, "title": "Sơ kết cải cách hành chính 6 tháng đầu năm 2022",
              "body": text, "published_at": "2022-07-14T10:00:00+07:00"}
    values.update(fields)
    return Article(**values)


@pytest.fixture
def archive() -> Archive:
    store = Archive(sqlite_utils.Database(memory=True))
    store.sync_sites(load_registry().values())
    return store


def story_of(archive: Archive, url: str) -> int:
    return archive.get_article(url)["story_id"]


def test_near_copies_across_sites_are_one_story(archive):
    original = article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY)
    intro = article(QT, "https://sokhcn.quangtri.gov.vn/tin/7", ["(Tin từ Sở KH&CN Bình Định)", *STORY],
                    published_at="2022-07-15T09:00:00+07:00", title="Bình Định: Sơ kết CCHC 6 tháng đầu năm")
    trimmed = article(LS, "https://skhcn.langson.gov.vn/node/5",
                      [*STORY[:-1], "Nguồn: skhcn.binhdinh.gov.vn"], published_at="2022-07-16T08:00:00+07:00")
    # The republished copies are crawled first: the story's canonical copy is still the original.
    for item in (intro, trimmed, original):
        assert archive.upsert_article(item) == "new"
    stories = {story_of(archive, a.url) for a in (original, intro, trimmed)}
    assert len(stories) == 1
    story = next(archive.db.query("select * from stories where id = ?", [stories.pop()]))
    assert story["copies"] == 3 and story["sites"] == 3
    assert story["canonical_article_id"] == archive.get_article(original.url)["id"]
    assert archive.db["articles"].count == 3  # every copy kept
    matches = {r["site"]: r["story_match"] for r in archive.db.query("select site, story_match from articles")}
    assert matches[LS] == "near" and matches[BD] == "near"


def test_exact_body_with_another_title_is_the_same_story(archive):
    archive.upsert_article(article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY))
    archive.upsert_article(article(QT, "https://sokhcn.quangtri.gov.vn/tin/2", STORY, title="Tin Bình Định"))
    rows = list(archive.db.query("select story_id, story_match from articles order by site"))
    assert rows[0]["story_id"] == rows[1]["story_id"] and {r["story_match"] for r in rows} == {"first", "exact"}


def test_look_alike_template_articles_stay_apart(archive):
    title = "Kế hoạch cải cách hành chính năm 2022"
    archive.upsert_article(article(BD, "https://skhcn.binhdinh.gov.vn/tin/2", TEMPLATE_BD, title=title))
    archive.upsert_article(article(QT, "https://sokhcn.quangtri.gov.vn/tin/3", TEMPLATE_QT, title=title))
    assert archive.db["stories"].count == 2


def test_short_notices_are_never_merged(archive):
    for site, url in ((BD, "https://skhcn.binhdinh.gov.vn/tin/4"), (QT, "https://sokhcn.quangtri.gov.vn/tin/5")):
        archive.upsert_article(article(site, url, "Xem file đính kèm.", title="Thông báo"))
    assert archive.db["stories"].count == 2


def test_url_spellings_are_one_row_with_aliases(archive):
    url = "https://skhcn.binhdinh.gov.vn/tin/1"
    assert archive.upsert_article(article(BD, url, STORY)) == "new"
    for spelling in (url + "?utm_source=zalo", "http://www.skhcn.binhdinh.gov.vn/tin/1/", url + "#binh-luan"):
        assert archive.upsert_article(article(BD, spelling, STORY)) == "unchanged"
    assert archive.db["articles"].count == 1
    aliases = {r["url"] for r in archive.db.query("select url from article_aliases")}
    assert url + "?utm_source=zalo" in aliases and "http://www.skhcn.binhdinh.gov.vn/tin/1/" in aliases


def test_revision_is_recorded_and_unchanged_only_touches_last_seen(archive):
    url = "https://skhcn.binhdinh.gov.vn/tin/1"
    archive.upsert_article(article(BD, url, STORY))
    first = archive.get_article(url)
    assert archive.upsert_article(article(BD, url, STORY)) == "unchanged"
    assert archive.db["article_versions"].count == 0
    edited = [*STORY[:-1], STORY[-1].replace("9 cá nhân", "12 cá nhân")]
    assert archive.upsert_article(article(BD, url, edited)) == "updated"
    versions = list(archive.db.query("select * from article_versions"))
    assert len(versions) == 1 and versions[0]["body"] == "\n".join(STORY) and versions[0]["replaced_at"]
    row = archive.get_article(url)
    assert row["story_id"] == first["story_id"] and "12 cá nhân" in row["body"]
    assert row["body_hash"] != first["body_hash"]
    # the revised text is what a later copy is matched against
    copy = article(QT, "https://sokhcn.quangtri.gov.vn/tin/9", edited, published_at="2022-07-20T08:00:00+07:00")
    archive.upsert_article(copy)
    assert story_of(archive, copy.url) == first["story_id"]


def test_history_cannot_be_rewritten(archive):
    url = "https://skhcn.binhdinh.gov.vn/tin/1"
    archive.upsert_article(article(BD, url, STORY))
    archive.upsert_article(article(BD, url, STORY[:3]))
    with pytest.raises(Exception, match="history"):
        archive.db.execute("delete from article_versions")
    with pytest.raises(Exception, match="history"):
        archive.db.execute("update article_versions set body = ''")


@pytest.mark.parametrize("status", [404, 410])
def test_404_or_410_marks_a_known_article_gone(archive, status):
    url = "https://skhcn.binhdinh.gov.vn/tin/1"
    archive.upsert_article(article(BD, url, STORY))
    archive.record_error(None, CrawlError(url=url + "?utm_source=x", reason=f"HTTP {status}", site=BD,
                                          http_status=status, kind="http"))
    row = archive.get_article(url)
    assert row["gone_at"] and archive.db["articles"].count == 1
    archive.record_error(None, CrawlError(url="https://skhcn.binhdinh.gov.vn/tin/unknown", reason="HTTP 404",
                                          site=BD, http_status=404, kind="http"))
    archive.record_error(None, CrawlError(url=url, reason="HTTP 500", site=BD, http_status=500, kind="http"))
    assert archive.get_article(url)["gone_at"] == row["gone_at"]  # first date kept
    archive.upsert_article(article(BD, url, STORY))
    assert archive.get_article(url)["gone_at"] is None  # the page is back


def test_articles_stored_before_stories_are_matched_on_next_open(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as store:
        store.sync_sites(load_registry().values())
        store.upsert_article(article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY))
        store.upsert_article(article(QT, "https://sokhcn.quangtri.gov.vn/tin/2", STORY[1:],
                                     published_at="2022-07-15T08:00:00+07:00"))
        # as the m003 migration leaves older rows: a story each, not yet indexed
        store.db.execute("delete from minhash_bands")
        store.db.execute("delete from minhash_bands_recent")
        store.db.execute("update articles set story_id = rowid, near_indexed = 0")
        store.db.execute("delete from stories")
        store.db.execute("insert into stories (id, canonical_article_id, copies, sites) select rowid, id, 1, 1 from articles")
    with Archive(path) as store:
        store.upsert_article(article(LS, "https://skhcn.langson.gov.vn/node/3", STORY[:4],
                                     published_at="2022-07-16T08:00:00+07:00"))
        assert {r["story_id"] for r in store.db.query("select story_id from articles")} == {1}
        assert store.db["stories"].count == 1


def test_export_unique_gives_one_record_per_story(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as store:
        store.sync_sites(load_registry().values())
        store.upsert_article(article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY))
        store.upsert_article(article(QT, "https://sokhcn.quangtri.gov.vn/tin/2", ["(Tin từ Bình Định)", *STORY],
                                     published_at="2022-07-15T08:00:00+07:00"))
        store.upsert_article(article(QT, "https://sokhcn.quangtri.gov.vn/tin/3", TEMPLATE_QT,
                                     title="Kế hoạch cải cách hành chính năm 2022"))
    from archive.cli import main

    runner = CliRunner()
    every = runner.invoke(main, ["export", "--db", str(path)])
    assert every.exit_code == 0, every.output
    rows = [json.loads(line) for line in every.output.splitlines()]
    assert len(rows) == 3 and all(r["story_id"] for r in rows)
    unique = runner.invoke(main, ["export", "--unique", "--db", str(path)])
    assert unique.exit_code == 0, unique.output
    stories = [json.loads(line) for line in unique.output.splitlines()]
    assert len(stories) == 2
    story = next(s for s in stories if len(s["copies"]) == 2)
    assert story["site"] == BD and story["url"] == "https://skhcn.binhdinh.gov.vn/tin/1"
    assert {c["site"] for c in story["copies"]} == {BD, QT}
    only_qt = runner.invoke(main, ["export", "--unique", "--site", QT, "--db", str(path)])
    assert len(only_qt.output.splitlines()) == 2  # a story is exported when any copy matches


def test_signature_is_datasketch_minhash_of_the_shingles():
    from datasketch import MinHash

    from archive import neardup

    body = "\n".join(STORY)
    shingle_set = neardup.shingles(body)
    fast = neardup.signature(shingle_set)
    slow = MinHash(num_perm=neardup.NUM_PERM, seed=neardup.SEED, hashfunc=int)
    slow.update_batch([int((v ^ (v >> 32)) & 0xFFFFFFFF) for v in shingle_set.tolist()])
    assert fast == slow and fast.jaccard(slow) == 1.0
    assert neardup.shingles(body).tolist() == sorted(set(neardup.shingle_sequence(body).tolist()))
    from scrapers.extract.text import fold
    assert len(neardup.syllable_ids(body)) == len(fold(body).split())


def test_a_changed_minhash_scheme_rebuilds_the_band_keys(archive):
    from archive import neardup

    archive.upsert_article(article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY))
    keys = archive.db.execute("select count(*) from minhash_bands_recent").fetchone()[0]
    assert keys == neardup.bands()[0]
    archive.set_meta("neardup_scheme", "datasketch-1.6/legacy")
    archive._pending_checked = False
    archive.db.execute("update minhash_bands_recent set key = key + 1")
    archive.upsert_article(article(QT, "https://sokhcn.quangtri.gov.vn/tin/2", ["(Tin từ Bình Định)", *STORY]))
    assert archive.db["stories"].count == 1
    rebuilt = archive.db.execute("select count(*) from minhash_bands").fetchone()[0]  # merged by the rebuild
    recent = archive.db.execute("select count(*) from minhash_bands_recent").fetchone()[0]
    assert (rebuilt, recent) == (keys, keys)


def test_folding_word_by_word_is_fold_exactly():
    from archive import neardup
    from scrapers.extract.text import fold

    texts = ["\n".join(STORY), "\n".join(TEMPLATE_QT), "Hoà bình\u00adhóa", "Tôi yêu\u200bViệt Nam",
             "b\u0301c đẹp", "İstanbul Đà Nẵng", "thuỷ\u00a0lợi", "KH&CN, 14/7/2022: (Tin) -- x", "", "  "]
    for text in texts:
        ids, folded = neardup.analyse(text)
        assert folded == fold(text), text
        assert ids == neardup.syllable_ids(text), text  # the ids as before (word by word, no fallback)


def test_line_shingles_and_figures_match_the_line_by_line_definition():
    import numpy as np

    from archive import neardup, verify

    body = "\n".join(["(Tin từ Sở KH&CN)", "Ảnh", "", *STORY, "Hà Nam", "Nguyễn Văn Hùng"])
    lines = verify.lines_of(body)
    assert lines.text == [line for line in body.splitlines() if line.strip()]
    for k, line in enumerate(lines.text):
        assert np.array_equal(lines.shingles[lines.bounds[k]:lines.bounds[k + 1]], neardup.shingles(line))
        assert lines.marks[k] == verify.numbers(line)
    assert np.array_equal(lines.sequence, neardup.shingle_sequence(body))
    # names: two or more capitalised words in a row, a sentence's first word left out
    assert verify.numbers("Ông Nguyễn Văn Hùng. Bà Trần Thị Lan: Hà Nội, Đà Nẵng và Cần Thơ năm 2022") == {
        "~nguyen van hung", "~tran thi lan", "~noi da nang", "~can tho", "2022"}  # ":" ends a sentence


def three_copies_and_two_look_alikes():
    """Three copies of STORY on three sites (one with an added intro line, one with its last line
    replaced by a source line) and a look-alike template article on two sites."""
    return [
        article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY),
        article(QT, "https://sokhcn.quangtri.gov.vn/tin/7", ["(Tin từ Sở KH&CN Bình Định)", *STORY],
                published_at="2022-07-15T09:00:00+07:00"),
        article(LS, "https://skhcn.langson.gov.vn/node/5", [*STORY[:-1], "Nguồn: skhcn.binhdinh.gov.vn"],
                published_at="2022-07-16T08:00:00+07:00"),
        article(BD, "https://skhcn.binhdinh.gov.vn/tin/2", TEMPLATE_BD, title="Kế hoạch"),
        article(QT, "https://sokhcn.quangtri.gov.vn/tin/3", TEMPLATE_QT, title="Kế hoạch"),
        article(LS, "https://skhcn.langson.gov.vn/node/6", STORY, published_at="2022-07-17T08:00:00+07:00"),
    ]


def test_batch_placement_equals_one_by_one(tmp_path):
    copies = three_copies_and_two_look_alikes()
    groups = []
    for batch in (1, 500):
        with Archive(tmp_path / f"a{batch}.db") as store:
            store.sync_sites(load_registry().values())
            for item in copies:
                store.upsert_article(item)
            store.db.execute("delete from minhash_bands")
            store.db.execute("delete from minhash_bands_recent")
            store.db.execute("update articles set story_id = null, near_indexed = 0, body_hash = null")
            store.db.execute("delete from stories")
            assert store.index_pending(batch=batch) == len(copies)
            rows = list(store.db.query("select url, story_id, story_match from articles order by url"))
            by_story: dict[int, list[str]] = {}
            for row in rows:
                by_story.setdefault(row["story_id"], []).append(row["url"])
            groups.append((sorted(by_story.values()), [r["story_match"] for r in rows]))
            assert store.db["stories"].count == 3
    assert groups[0] == groups[1]


def test_m006_points_band_keys_at_rowids():
    from archive import migrations

    db = sqlite_utils.Database(memory=True)
    migrations.migrations.apply(db, stop_before="m006_band_keys_by_rowid")
    db.execute("insert into articles (id, url, site, title, body, content_hash) values ('a1', 'u1', 's', 't', 'b', 'h')")
    db.execute("insert into articles (id, url, site, title, body, content_hash) values ('a2', 'u2', 's', 't', 'b', 'h')")
    db.execute("insert into minhash_bands (key, article_id) values (5, 'a2'), (-7, 'a1'), (5, 'a1')")
    migrations.apply(db)
    rowid = {r["id"]: r["rowid"] for r in db.query("select rowid, id from articles")}
    assert sorted(db.execute("select key, article from minhash_bands").fetchall()) == sorted(
        [(5, rowid["a2"]), (-7, rowid["a1"]), (5, rowid["a1"])])
    assert db["minhash_bands_recent"].count == 0


def test_a_new_article_is_written_once_with_its_story_and_province(archive):
    archive.db.execute("create table updates (rowid_ integer)")
    archive.db.execute("create temp trigger count_updates after update on articles "
                       "begin insert into updates values (new.rowid); end")
    archive.upsert_article(article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY))
    archive.upsert_article(article(QT, "https://sokhcn.quangtri.gov.vn/tin/7", ["(Tin từ Bình Định)", *STORY],
                                   published_at="2022-07-15T09:00:00+07:00"))
    assert archive.db["updates"].count == 0  # no trigger, no placement rewrote a row
    rows = list(archive.db.query("select site, province, story_id, story_match, near_indexed, body_hash from articles "
                                 "order by site"))
    assert {r["province"] for r in rows} == {"Bình Định", "Quảng Trị"}
    assert rows[0]["story_id"] == rows[1]["story_id"] and all(r["near_indexed"] == 1 and r["body_hash"] for r in rows)
    # a writer that leaves the provinces out still gets them (the trigger fills them in)
    archive.db.execute("insert into articles (id, url, site, title, body, content_hash) "
                       "values ('x', 'https://skhcn.binhdinh.gov.vn/tin/9', ?, 't', 'b', 'h')", [BD])
    assert archive.get_article("x")["province"] == "Bình Định"


def test_sketch_many_is_sketch_body_by_body():
    from archive import neardup

    bodies = ["\n".join(STORY), "\n".join(TEMPLATE_QT), "Xem file đính kèm.", "", "Tôi yêu\u200bViệt Nam " * 20]
    for one, many in zip(map(neardup.sketch, bodies), neardup.sketch_many(bodies)):
        assert one.keys == many.keys and one.hashed == many.hashed
        assert one.shingles.tolist() == many.shingles.tolist() and one.sequence.tolist() == many.sequence.tolist()
    signed = neardup.sketch(bodies[0])
    assert signed.keys == neardup.band_keys(neardup.signature(signed.shingles))


def test_band_filter_never_misses_a_stored_key_and_follows_other_writers(tmp_path):
    import numpy as np

    from archive import neardup

    keys = np.random.default_rng(7).integers(-2**63, 2**63 - 1, 300_000, dtype=np.int64)
    band_filter = neardup.BandFilter(first=50_000)
    band_filter.add(keys[:200_000])
    assert band_filter.might_hold(keys[:200_000]).all()  # across segments
    assert band_filter.might_hold(keys[200_000:]).mean() < 0.1
    with Archive(tmp_path / "a.db") as store:
        with store.db.atomic():  # as placement does: inside the caller's transaction
            index = store._bands(bulk=True)
            assert index.filter is not None and index.in_step(index.filter)
            index.add(7, [11, 12])
        assert store._bands().lookup([11, 12, 13]) == {11: [7], 12: [7]}
        with Archive(tmp_path / "a.db") as other:  # another process adds keys
            with other.db.atomic():
                other._bands().add(8, [13])
        assert store._bands().filter is None  # out of step: dropped ...
        with store.db.atomic():
            assert store._bands(bulk=True).lookup([11, 13]) == {11: [7], 13: [8]}  # ... and loaded again


def batch_rows(articles: list[Article]) -> list[dict]:
    """The ``add_batch`` rows of ``articles``, as ``upsert_article`` builds them."""
    now = now_iso()
    return [{**article_row(a, reform=False), "first_seen": now, "last_seen": now} for a in articles]


def test_placement_with_the_filter_and_verification_in_workers_equals_one_by_one(tmp_path, monkeypatch):
    import multiprocessing

    from archive import stories

    copies = three_copies_and_two_look_alikes()
    groups = []
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for how in ("one by one", "batch, filter, pool"):
            with Archive(tmp_path / f"{how}.db") as store:
                store.sync_sites(load_registry().values())
                if how != "one by one":
                    monkeypatch.setattr(stories, "FILTER_MIN_KEYS", 0)
                    store.verify_map = pool.map_async
                    store.upsert_article(copies[0])  # one stored before the batch: found through the filter
                    rows = batch_rows(copies[1:])
                    with store.db.atomic():
                        store.add_batch(rows)
                    assert store._band_filter is not None
                else:
                    for item in copies:
                        store.upsert_article(item)
                rows = list(store.db.query("select url, story_id, story_match, story_score from articles order by url"))
                by_story: dict[int, list[str]] = {}
                for row in rows:
                    by_story.setdefault(row["story_id"], []).append(row["url"])
                groups.append((sorted(by_story.values()), [(r["story_match"], r["story_score"]) for r in rows]))
                assert store.db["stories"].count == 3
    assert groups[0] == groups[1]


@pytest.mark.parametrize("how", ["one by one", "one batch"])
def test_a_later_copy_that_bridges_two_stories_makes_them_one(tmp_path, how):
    # The head and the tail of a story, republished by two sites, share too little to be matched;
    # the whole original, crawled later (its site added to the registry later), copies both.
    head = article(QT, "https://sokhcn.quangtri.gov.vn/tin/7", STORY[:3], published_at="2022-07-15T09:00:00+07:00")
    tail = article(LS, "https://skhcn.langson.gov.vn/node/5", STORY[2:], published_at="2022-07-16T08:00:00+07:00")
    whole = article(BD, "https://skhcn.binhdinh.gov.vn/tin/1", STORY)
    look_alike = article(BD, "https://skhcn.binhdinh.gov.vn/tin/2", TEMPLATE_BD, title="Kế hoạch")
    with Archive(tmp_path / "a.db") as store:
        store.sync_sites(load_registry().values())
        if how == "one by one":
            for item in (head, tail, look_alike):
                store.upsert_article(item)
            before = {item.url: story_of(store, item.url) for item in (head, tail)}
            assert before[head.url] != before[tail.url]  # apart until the original comes
            store.upsert_article(whole)
        else:
            rows = batch_rows([head, tail, look_alike, whole])
            with store.db.atomic():
                store.add_batch(rows)
        story = story_of(store, whole.url)
        assert story_of(store, head.url) == story_of(store, tail.url) == story
        assert story_of(store, look_alike.url) != story
        assert store.db["stories"].count == 2
        kept = store.db["stories"].get(story)
        assert kept["copies"] == 3 and kept["sites"] == 3
        assert kept["canonical_article_id"] == store.get_article(whole.url)["id"]  # the earliest published
        merges = list(store.db.query("select story_id, merged_into, article_id from story_merges"))
        if how == "one by one":  # the story that went is recorded, leading to the one kept
            gone = ({before[head.url], before[tail.url]} - {story}).pop()
            assert merges == [{"story_id": gone, "merged_into": story,
                               "article_id": store.get_article(whole.url)["id"]}]
        else:  # stories made and merged within one batch were never stored: nothing to record
            assert merges == []


@pytest.mark.parametrize("body, keys_digest, body_hash, shingles", [
    ("\n".join(STORY), "75ab8cc1fd000c53", "53928edb1061840e", 211),
    ("\n".join(TEMPLATE_QT) + "\nKH&CN 14/7/2022 Tôi yêu\u200bViệt Nam", "e01c14f699538913", "d665c42e38688644", 166),
])
def test_band_keys_are_the_ones_already_stored(body, keys_digest, body_hash, shingles):
    # Archives hold these band keys (minhash_bands) and body hashes: any change to tokenising,
    # shingling, MinHash or banding without a new neardup.SCHEME would make every stored article
    # unmatchable. The figures were computed with the scheme's first implementation (before the
    # numpy rewrite of sketching), not with the code under test.
    import hashlib

    from archive import neardup

    sketch = neardup.sketch(body)
    assert len(sketch.keys) == 32 and len(sketch.shingles) == shingles
    assert hashlib.sha256(json.dumps(sketch.keys).encode()).hexdigest()[:16] == keys_digest
    assert sketch.hashed == body_hash
