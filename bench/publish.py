"""Publishing benchmark: full-text search latency through Datasette and export throughput on a big archive.

    python bench/publish.py --articles 1000000 --db /tmp/bench/archive.db
    python bench/publish.py --db /tmp/bench/archive.db --reuse        # measure an existing archive

Not part of the test suite; prints figures. Targets: search p95 < 50 ms (the search the home page
uses, /-/search), export of 1M articles in < 2 minutes and < 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.keys import article_id  # noqa: E402
from archive.search_order import search_key  # noqa: E402
from scrapers.extract.text import fold  # noqa: E402

SYLLABLES = (
    "cải cách hành chính thủ tục một cửa liên thông dịch vụ công trực tuyến hồ sơ giải quyết đúng hạn "
    "người dân doanh nghiệp hài lòng chỉ số sở khoa học công nghệ ủy ban nhân dân tỉnh thành phố huyện "
    "xã phường cán bộ công chức viên chức hội nghị triển khai kế hoạch năm tháng quý báo cáo kết quả "
    "kiểm tra giám sát đánh giá nâng cao chất lượng hiệu quả chuyển đổi số chính quyền điện tử số hóa "
    "văn bản quy phạm pháp luật rà soát đơn giản hóa tiếp nhận trả kết quả bộ phận phòng ban ngành "
    "đồng chí giám đốc phó chủ tịch chỉ đạo yêu cầu tập trung thực hiện nhiệm vụ trọng tâm đổi mới "
    "sáng tạo đề tài nghiệm thu tiêu chuẩn đo lường thanh tra pháp chế tổ chức bộ máy biên chế tinh giản "
    "thuỷ lợi nông nghiệp hoà giải khoẻ mạnh Đà Nẵng Quảng Trị Bình Định Cần Thơ Nghệ An Đồng Tháp"
).split()
SITES = ["binhdinh_skhcn", "quangtri_sokhcn", "dongthap_skhcn", "yenbai_sokhoahocvacongnghe", "hanam_skhcn",
         "tayninh_sokhcn", "nghean_hcc", "gialai_tttt", "cantho_sokhcn", "danang_dost", "longan_skhcn",
         "langson_sokhcn"]
COLUMNS = ("rowid", "search_key", "id", "url", "canonical_url", "site", "title", "published_at", "year", "author", "category",
           "breadcrumb", "body", "images", "attachments", "language", "word_count", "method", "reform",
           "content_hash", "http_status", "fetched_at", "first_seen", "last_seen")


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Two-syllable words with Zipf weights: a few very common, most rare."""
    words = sorted({f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}" for _ in range(6000)})
    rng.shuffle(words)
    return words, [1 / (rank + 1) for rank in range(len(words))]


def generate(db_path: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` generated articles (and their search rows) with bulk inserts."""
    from archive.store import Archive
    from scrapers.registry import load_registry

    with Archive(db_path) as archive:  # schema and sites only; rows go in below, in bulk
        archive.sync_sites(load_registry().values())
    rng = random.Random(seed)
    words, weights = vocabulary(rng)
    folded = {w: fold(w) for w in words}
    conn = sqlite3.connect(db_path)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -400000")
    marks = ", ".join("?" for _ in COLUMNS)
    insert = f"insert into articles ({', '.join(COLUMNS)}) values ({marks})"
    started = time.perf_counter()
    for start in range(0, count, 20000):
        rows, search = [], []
        for n in range(start, min(start + 20000, count)):
            title_words = rng.choices(words, weights, k=6)
            body_words = rng.choices(words, weights, k=60)
            title = " ".join(title_words).capitalize()
            body = "\n".join(" ".join(body_words[i:i + 20]) + "." for i in range(0, 60, 20))
            url = f"https://{SITES[n % 12]}.gov.vn/tin/{n}"
            day = f"{2015 + n % 11}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            stamp = f"{day}T{8 + n % 10:02d}:00:00+07:00"
            key = search_key(stamp, n + 1)  # the search index's rowid: publication order
            rows.append((n + 1, key, article_id(url), url, url, SITES[n % 12], title, stamp, int(day[:4]), "Văn phòng",
                         "Cải cách hành chính" if n % 3 == 0 else "Tin hoạt động", "[]", body, "[]", "[]", "vi",
                         120, "bench", int(n % 3 == 0), f"{n:016x}", 200, stamp, stamp, stamp))
            search.append((key, title, body, " ".join(folded[w] for w in title_words),
                           " ".join(folded[w] for w in body_words)))
        with conn:
            conn.executemany(insert, rows)
            conn.executemany("insert into articles_fts (rowid, title, body, title_folded, body_folded) "
                             "values (?, ?, ?, ?, ?)", search)
        done = start + len(rows)
        print(f"  generated {done:,} articles ({done / (time.perf_counter() - started):,.0f}/s)", end="\r", flush=True)
    conn.execute("insert into articles_fts (articles_fts) values ('optimize')")
    conn.commit()
    conn.close()
    print(f"\n  generation took {time.perf_counter() - started:,.0f} s; file {db_path.stat().st_size / 1e9:.2f} GB")


def queries(count: int, seed: int = 11) -> list[str]:
    """Varied searches: one to three words, common and rare, with and without tone marks."""
    rng = random.Random(seed)
    words, weights = vocabulary(random.Random(7))
    out = ["cai cach hanh chinh", "cải cách hành chính", "da nang", "Đà Nẵng", "thuỷ lợi", "thủy lợi"]
    while len(out) < count:
        picked = " ".join(rng.choices(words, weights, k=rng.choice([1, 1, 2, 3])))
        out.append(fold(picked) if rng.random() < 0.5 else picked)
    return out


async def _latencies(db_path: Path, paths: list[str]) -> list[float]:
    from archive.serve import datasette_app

    ds = datasette_app(db_path, immutable=True)
    await ds.client.get(paths[0])  # warm-up: connections, caches
    timings = []
    for path in paths:
        started = time.perf_counter()
        response = await ds.client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            print(f"  {response.status_code} for {path}")
    return timings


def search_latency(db_path: Path, count: int) -> None:
    """Median and p95 of Datasette JSON searches (three ways of asking)."""
    from urllib.parse import quote

    db = db_path.stem
    terms = queries(count)
    endpoints = {
        "articles.json lean (_nocount, _nofacet, 20 rows)":
            f"/{db}/articles.json?_shape=array&_size=20&_nocount=1&_nofacet=1&_search=",
        "canned search query (publication order + snippet, 50 rows)": f"/{db}/search.json?_shape=array&q=",
        "articles.json as the table page asks (count + 6 facets)": f"/{db}/articles.json?_search=",
        # The search the home page uses (archive/datasette_search.py): publication order, 20 rows, snippets,
        # counts over the newest 1000 matches; then its HTML page and a second page (keyset).
        "/-/search.json fast search (20 rows + counts over newest 1000)": "/-/search.json?q=",
        "/-/search HTML page (same, rendered)": "/-/search?q=",
    }
    for label, prefix in endpoints.items():
        _report(label, asyncio.run(_latencies(db_path, [prefix + quote(t) for t in terms])))
    _report("/-/search.json second page (?before= from the first page)", asyncio.run(_second_pages(db_path, terms)))


def _report(label: str, timings: list[float]) -> None:
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"  {label}: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.0f} ms")


async def _second_pages(db_path: Path, terms: list[str]) -> list[float]:
    """Latency of the fast search's next page (keyset), for the queries that have one."""
    from urllib.parse import quote

    from archive.serve import datasette_app

    ds = datasette_app(db_path, immutable=True)
    timings = []
    for term in terms:
        first = (await ds.client.get("/-/search.json?q=" + quote(term))).json()
        if not first.get("next"):
            continue
        started = time.perf_counter()
        response = await ds.client.get(first["next"])
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            print(f"  {response.status_code} for {first['next']}")
    return timings or [0.0]


def export_throughput(db_path: Path, out: Path) -> None:
    """Articles per second and peak memory of `reformnews export` in a child process."""
    # The child reports its own peak: RUSAGE_CHILDREN would count the forked copy of this process.
    child = ("import resource, sys\nfrom archive.cli import main\n"
             f"sys.argv = ['reformnews', 'export', '--db', {str(db_path)!r}, '-o', {str(out)!r}]\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", child], cwd=ROOT, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_mb = int(result.stdout.strip().splitlines()[-1]) / 1024
    lines = sum(1 for _ in out.open("rb"))
    print(f"  export: {lines:,} articles in {seconds:.1f} s = {lines / seconds:,.0f} articles/s, "
          f"peak RSS {peak_mb:.0f} MB, {out.stat().st_size / 1e9:.2f} GB of JSON Lines")
    out.unlink()


def main() -> None:
    """Generate (unless --reuse) and measure."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/reformnews-bench/archive.db"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="Measure the existing --db without generating.")
    args = parser.parse_args()
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        args.db.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {args.articles:,} articles into {args.db}")
        generate(args.db, args.articles)
    total = sqlite3.connect(args.db).execute("select count(*) from articles").fetchone()[0]
    print(f"archive: {total:,} articles")
    print(f"search latency over {args.queries} queries (in-process Datasette, immutable):")
    search_latency(args.db, args.queries)
    export_throughput(args.db, args.db.with_suffix(".bench.jsonl"))


if __name__ == "__main__":
    main()
