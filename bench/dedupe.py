"""Dedupe bench: precision/recall on a labelled set, then time and memory at 100k / 1M articles.

    .venv/bin/python bench/dedupe.py labelled
    .venv/bin/python bench/dedupe.py scale --n 100000 [--exact-only]
    .venv/bin/python bench/dedupe.py all --n 100000 --n 1000000

Not part of the test suite. Every text is generated here (bench/vntext.py), deterministically.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import datetime, timedelta, timezone
from itertools import islice
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import neardup, verify  # noqa: E402
from vntext import BOILERPLATE, edit_copy, revise, story, template_pair  # noqa: E402


# --- (a) labelled pairs ----------------------------------------------------------------------
def labelled_pairs() -> list[tuple[str, bool, str, str]]:
    """(kind, same story?, body a, body b): 300 positives and 300 negatives."""
    pairs = []
    for i in range(240):  # republished copies, 1 to 4 realistic edits each
        base = story(10_000 + i)
        copy, what = edit_copy(base, 20_000 + i, 1 + i % 4)
        pairs.append((f"copy:{what}", True, "\n".join(base), "\n".join(copy)))
    for i in range(60):  # revisions of one article
        base = story(30_000 + i)
        rev, what = revise(base, 40_000 + i)
        pairs.append((f"revision:{what}", True, "\n".join(base), "\n".join(rev)))
    for i in range(220):  # look-alikes: one template, two provinces
        a, b = template_pair(50_000 + i)
        pairs.append(("template", False, "\n".join(a), "\n".join(b)))
    for i in range(80):  # unrelated reform news
        pairs.append(("unrelated", False, "\n".join(story(60_000 + i)), "\n".join(story(70_000 + i))))
    return pairs


def judge(a: neardup.Sketch, b: neardup.Sketch, body_a: str, body_b: str, *, jaccard_min: float,
          gaps: bool = True, figures: bool = True) -> bool:
    """The store's decision for one pair: an LSH candidate, then verified."""
    if not set(a.keys) & set(b.keys):
        return False
    saved = verify.JACCARD_MIN
    verify.JACCARD_MIN = jaccard_min
    try:
        ok, _ = verify.is_copy(a.shingles, b.shingles, a.sequence if gaps else None, b.sequence if gaps else None)
    finally:
        verify.JACCARD_MIN = saved
    return ok and (not figures or verify.same_facts(body_a, body_b, a.shingles, b.shingles))


def run_labelled() -> None:
    """Print precision and recall over a threshold sweep, the chosen threshold, and the ablations."""
    pairs = labelled_pairs()
    sketches = [(neardup.sketch(a), neardup.sketch(b)) for _, _, a, b in pairs]
    positives = sum(1 for _, same, _, _ in pairs if same)
    print(f"(a) labelled set: {len(pairs)} pairs ({positives} same-story: copies with 1-4 edits and "
          f"revisions; {len(pairs) - positives} different: template look-alikes and unrelated)")
    print(f"    MinHash {neardup.NUM_PERM} perms, {neardup.SHINGLE}-syllable shingles, LSH threshold "
          f"{neardup.LSH_THRESHOLD} -> {neardup.bands()[0]} bands x {neardup.bands()[1]} rows")
    print("    jaccard_min  precision  recall   (containment >= %.2f, gap rate <= %.1f, no figures/names substituted)"
          % (verify.CONTAINMENT_MIN, verify.GAP_RATE_MAX))

    def score(**kw: object) -> tuple[float, float, list[str]]:
        tp = fp = fn = 0
        wrong = []
        for (kind, same, a, b), (sa, sb) in zip(pairs, sketches):
            said = judge(sa, sb, a, b, **kw)  # type: ignore[arg-type]
            tp += said and same
            fp += said and not same
            fn += same and not said
            if said != same:
                wrong.append(kind)
        precision = tp / (tp + fp) if tp + fp else 1.0
        return precision, tp / (tp + fn), wrong

    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        p, r, _ = score(jaccard_min=threshold)
        mark = "  <- chosen" if threshold == verify.JACCARD_MIN else ""
        print(f"    {threshold:11.2f}  {p:9.3f}  {r:6.3f}{mark}")
    p, r, wrong = score(jaccard_min=verify.JACCARD_MIN)
    print(f"    chosen JACCARD_MIN={verify.JACCARD_MIN}: precision {p:.3f}, recall {r:.3f}; "
          f"errors: {', '.join(sorted(set(wrong))) or 'none'}")
    for label, kw in (("without the gap-rate guard", {"gaps": False}), ("without the line and figures guard", {"figures": False}),
                      ("Jaccard only (LSH + Jaccard/containment)", {"gaps": False, "figures": False})):
        p, r, _ = score(jaccard_min=verify.JACCARD_MIN, **kw)
        print(f"    ablation, {label}: precision {p:.3f}, recall {r:.3f}")


# --- (b) scale -------------------------------------------------------------------------------
_VOCAB: list[str] = []
COPY_SHARE = 0.10


def _vocab() -> list[str]:
    if not _VOCAB:
        onsets = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph", "qu",
                  "s", "t", "th", "tr", "v", "x"]
        rhymes = ["a", "ai", "an", "ang", "anh", "ao", "at", "ay", "âm", "ân", "âu", "e", "en", "i", "inh", "ông",
                  "ơn", "ư", "ưa", "ước", "ương", "uyên", "iên", "oa", "oan", "ich", "ôi", "ung"]
        tones = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
        import unicodedata

        words = {unicodedata.normalize("NFC", o + r[0] + t + r[1:]) for o in onsets for r in rhymes for t in tones}
        _VOCAB.extend(sorted(words))
        random.Random(5).shuffle(_VOCAB)
    return _VOCAB


_CDF: list[np.ndarray] = []


def _cdf() -> np.ndarray:
    """Zipf-like syllable frequencies (a few very common syllables, a long tail)."""
    if not _CDF:
        weights = 1.0 / (np.arange(len(_vocab())) + 20.0)
        _CDF.append(np.cumsum(weights / weights.sum()))
    return _CDF[0]


def synthetic(i: int) -> tuple[str, int]:
    """Article i (~600 syllables) and the article it copies (-1 for an original)."""
    vocab = _vocab()
    rng = np.random.default_rng(i)
    pyrng = random.Random(i)
    if i > 1000 and pyrng.random() < COPY_SHARE:
        source = pyrng.randrange(i // 2, i)  # a copy of an earlier original (or of a copy)
        base, _ = synthetic(source)
        copy, _ = edit_copy(base.split("\n"), i, 1 + i % 3)
        return "\n".join(copy), source
    words = np.searchsorted(_cdf(), rng.random(600))
    text = [vocab[w] for w in words]
    paras = [" ".join(text[k:k + 100]) for k in range(0, 600, 100)]
    if pyrng.random() < 0.3:  # shared boilerplate sentences, as real reform news has
        paras.insert(pyrng.randrange(len(paras)), " ".join(pyrng.sample(BOILERPLATE, 2)))
    paras.append(f"Ảnh: Quang cảnh hội nghị số {i % 97}")
    return "\n".join(paras), -1


EPOCH = datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=7)))
BATCH = 2000  # articles per Archive.add_batch call and per transaction


_CORPUS: dict[str, object] = {}


def make_corpus(n: int, workdir: Path) -> Path:
    """Generate the n articles once, before any timing (the archive never generates text): one
    file of UTF-8 bodies end to end, their offsets, and each article's source (-1: an original)."""
    path = workdir / f"corpus-{n}.bin"
    if path.exists() and Path(str(path) + ".npz").exists():
        return path
    start = time.perf_counter()
    offsets = np.zeros(n + 1, dtype=np.int64)
    sources = np.full(n, -1, dtype=np.int64)
    with mp.get_context("fork").Pool(2) as pool, open(path, "wb") as out:
        for i, (body, source) in enumerate(pool.imap(synthetic, range(n), chunksize=500)):
            data = body.encode("utf-8")
            out.write(data)
            offsets[i + 1] = offsets[i] + len(data)
            sources[i] = source
    np.savez(str(path) + ".npz", offsets=offsets, sources=sources)
    print(f"      corpus: {n:,} articles, {offsets[-1] / 1e9:.2f} GB, generated in "
          f"{time.perf_counter() - start:.0f} s (not timed)", flush=True)
    return path


def _body(i: int) -> str:
    """Article i of the corpus (read with pread: no memory map counted in the worker's RSS)."""
    offsets = _CORPUS["offsets"]
    fd = _CORPUS["fd"]
    start, end = int(offsets[i]), int(offsets[i + 1])  # type: ignore[index]
    return os.pread(fd, end - start, start).decode("utf-8")  # type: ignore[arg-type]


def _work(task: tuple[int, int, bool]) -> tuple[list[str], dict[str, object], float]:
    """In a worker: read articles lo..hi-1, then their body hashes and (near mode) their MinHash
    sketches (:func:`neardup.sketch_many`), packed as a few arrays (cheap to send)."""
    lo, hi, exact_only = task
    bodies = [_body(i) for i in range(lo, hi)]
    t1 = time.process_time()
    if exact_only:  # the body hash only (and the shingle count, for the same short-body rule)
        analysed = [neardup.analyse(body) for body in bodies]
        packed: dict[str, object] = {
            "sizes": np.array([max(0, len(words) - neardup.SHINGLE + 1) for words, _ in analysed]),
            "hashed": [neardup.body_hash(folded) for _, folded in analysed]}
    else:
        sketches = neardup.sketch_many(bodies)
        packed = {"shingles": np.concatenate([sk.shingles for sk in sketches]),
                  "set_sizes": np.array([len(sk.shingles) for sk in sketches]),
                  "sequence": np.concatenate([sk.sequence for sk in sketches]),
                  "seq_sizes": np.array([len(sk.sequence) for sk in sketches]),
                  "keys": [sk.keys for sk in sketches], "hashed": [sk.hashed for sk in sketches]}
    return bodies, packed, time.process_time() - t1


def _unpack(bodies: list[str], packed: dict[str, object], exact_only: bool) -> list[neardup.Sketch]:
    """The sketches of :func:`_work` (views into its arrays)."""
    if exact_only:
        return [neardup.Sketch(np.zeros(size, dtype=np.uint8), np.zeros(0, dtype=np.uint64), [], body, hashed)
                for body, size, hashed in zip(bodies, packed["sizes"].tolist(), packed["hashed"])]  # type: ignore[union-attr]
    def split(values: np.ndarray, sizes: np.ndarray) -> list[np.ndarray]:
        ends = np.cumsum(sizes).tolist()
        return [values[a:b] for a, b in zip([0, *ends[:-1]], ends)]

    sets = split(packed["shingles"], packed["set_sizes"])  # type: ignore[arg-type]
    sequences = split(packed["sequence"], packed["seq_sizes"])  # type: ignore[arg-type]
    return [neardup.Sketch(a, q, keys, body, hashed)
            for body, a, q, keys, hashed in zip(bodies, sets, sequences, packed["keys"], packed["hashed"])]  # type: ignore[call-overload]


CHUNK = 500  # articles per worker task (a batch is BATCH // CHUNK tasks: small tasks, small workers)
AHEAD = 12  # tasks sketched ahead of the main process: the workers never wait for it


def run_scale(n: int, exact_only: bool, workdir: Path) -> dict[str, float]:
    """Dedupe n synthetic articles through the archive's own path; return the figures.

    Worker processes read and sketch (``neardup.sketch_many``); the main process stores each batch
    of articles in an :class:`archive.store.Archive` (the real schema, migrations, triggers and
    indexes) with ``Archive.add_batch`` -- the code ``Archive.upsert_article`` runs for a new
    article -- which verifies its candidates through ``Archive.verify_map`` (2 more workers)."""
    from archive.store import Archive

    corpus = make_corpus(n, workdir)
    saved = np.load(str(corpus) + ".npz")
    _CORPUS["offsets"], source_of = saved["offsets"], saved["sources"]
    _CORPUS["fd"] = os.open(corpus, os.O_RDONLY)
    # Forked before the database fills the main process: 2 workers read and sketch the articles
    # (the crawl's share of the work); in near mode 2 more verify the candidates the archive
    # chooses (Archive.verify_map), while the main process writes the batch's band keys.
    # The sketching workers run at a lower priority (nice 10): the writer and the verifiers it
    # waits for come first, the crawl's parsing takes the CPU time left.
    pool = mp.get_context("fork").Pool(2, initializer=os.nice, initargs=(10,))
    verifiers = None if exact_only else mp.get_context("fork").Pool(2)
    path = workdir / f"bench-{n}-{'exact' if exact_only else 'near'}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    archive = Archive(path)  # WAL, synchronous=NORMAL, as the archive opens its database
    db = archive.db
    db.execute("PRAGMA cache_size = -262144")  # 256 MB of page cache
    archive._pending_checked = True
    if verifiers is not None:
        archive.verify_map = verifiers.map_async
    archive.set_meta("neardup_scheme", neardup.SCHEME)
    db.execute("insert into sites (slug, name, agency, province, province_2025, family, base_url, active) "
                "values ('bench', 'Bench', '', '', '', 'generic', 'https://bench.invalid/', 1)")
    gen_cpu = sketch_cpu = 0.0
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the corpus's workers, if made just now
    start = time.perf_counter()
    with pool:
        tasks = iter([(lo, min(lo + CHUNK, n), exact_only) for lo in range(0, n, CHUNK)])
        window = deque(pool.apply_async(_work, (task,)) for task in islice(tasks, AHEAD))
        done = 0
        while window:
            bodies, sketches = [], []
            while window and len(bodies) < BATCH:
                chunk, packed, s = window.popleft().get()
                task = next(tasks, None)
                if task is not None:
                    window.append(pool.apply_async(_work, (task,)))
                sketch_cpu += s
                bodies += chunk
                sketches += _unpack(chunk, packed, exact_only)
            rows: list[dict[str, object]] = []
            for i, body in enumerate(bodies, done):
                published = (EPOCH + timedelta(seconds=i)).isoformat()  # a copy is published after its source
                url = f"https://bench.invalid/{i}"
                rows.append({"rowid": i + 1, "id": f"{i:016x}", "url": url, "canonical_url": url, "site": "bench",
                             "title": f"Tin {i}", "published_at": published, "body": body,
                             "content_hash": f"{i:016x}", "first_seen": published, "last_seen": published})
            with db.atomic():
                archive.add_batch(rows, sketches, near=not exact_only)
            done += len(bodies)
            if done % 100_000 == 0:
                print(f"      {done:>9,} articles, {time.perf_counter() - start:7.1f} s, "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    wall = time.perf_counter() - start
    if verifiers is not None:
        verifiers.close()
        verifiers.join()
    os.close(_CORPUS.pop("fd"))  # type: ignore[arg-type]
    used = resource.getrusage(resource.RUSAGE_SELF)
    main_cpu = used.ru_utime + used.ru_stime - own.ru_utime - own.ru_stime
    done_children = resource.getrusage(resource.RUSAGE_CHILDREN)  # every worker has exited
    workers_cpu = (done_children.ru_utime + done_children.ru_stime - children.ru_utime - children.ru_stime)
    story = np.full(n, -1, dtype=np.int64)
    match = Counter()
    for rowid, story_id, how in db.execute("select rowid, story_id, story_match from articles"):
        story[rowid - 1] = story_id
        match[how] += 1
    copies = source_of >= 0
    root = np.array([_root(source_of, k) for k in range(n)])
    owner: dict[int, int] = {}  # story -> the root of its first article
    for k in range(n):
        owner.setdefault(int(story[k]), int(root[k]))
    story_root = np.array([owner[int(s)] for s in story])
    found = copies & (story == story[root])
    wrong = story_root != root  # in a story begun by another original
    bands = sum(db.execute(f"select count(*) from {t}").fetchone()[0] for t in neardup.BandIndex.TABLES)
    archive.close()
    size = sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists())
    return {
        "n": n, "wall_s": wall, "gen_cpu_s": gen_cpu, "sketch_cpu_s": sketch_cpu, "main_cpu_s": main_cpu,
        "workers_cpu_s": workers_cpu,
        "load": os.getloadavg()[0],
        "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "workers": 2 if exact_only else 4,
        "copies": int(copies.sum()), "copies_found": int(found.sum()), "false_merges": int(wrong.sum()),
        "exact_hits": match["exact"], "near_hits": match["near"], "bands": bands,
        "db_mb": size / 1e6,
    }


def _root(source_of: np.ndarray, k: int) -> int:
    while source_of[k] >= 0:
        k = int(source_of[k])
    return k


def print_scale(r: dict[str, float], label: str) -> None:
    """One result line block."""
    print(f"    {label:<22} n={int(r['n']):>9,}  wall {r['wall_s']:8.1f} s  ({r['wall_s'] / r['n'] * 1e3:.2f} ms/article)  "
          f"peak RSS main {r['rss_main_mb']:.0f} MB, worker {r['rss_worker_mb']:.0f} MB  db {r['db_mb']:.0f} MB")
    print(f"    {'':<22} copies {int(r['copies']):,}: found {int(r['copies_found']):,} "
          f"({r['copies_found'] / max(r['copies'], 1):.1%}); false merges {int(r['false_merges'])}; "
          f"exact hits {int(r['exact_hits']):,}, near hits {int(r['near_hits']):,}, band rows "
          f"{int(r['bands']):,}")
    print(f"    {'':<22} CPU: workers {r['workers_cpu_s']:.0f} s (of which hashing/sketching "
          f"{r['sketch_cpu_s']:.0f} s; reading, sending, verifying the rest), main (SQLite + placement) "
          f"{r['main_cpu_s']:.0f} s; load avg at end {r['load']:.1f}")
    print(f"    {'':<22} peak memory, children included: main + {int(r['workers'])} workers <= "
          f"{r['rss_main_mb'] + r['workers'] * r['rss_worker_mb']:.0f} MB")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["labelled", "scale", "all"])
    parser.add_argument("--n", type=int, action="append", help="articles for the scale run (repeatable)")
    parser.add_argument("--exact-only", action="store_true", help="scale: only the exact-hash baseline")
    parser.add_argument("--near-only", action="store_true", help="scale: skip the exact-hash baseline")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "reformnews-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; numpy {np.__version__}")
    if args.what in ("labelled", "all"):
        run_labelled()
    if args.what in ("scale", "all"):
        print(f"(b) scale: synthetic ~600-syllable articles, {COPY_SHARE:.0%} republished copies with 1-3 edits; "
              f"2 worker processes (nice 10) read and sketch; the main process stores {BATCH:,} articles per "
              "transaction in an Archive with Archive.add_batch (WAL), 2 more workers verifying candidates")
        for n in args.n or [100_000]:
            if not args.near_only:
                print_scale(run_scale(n, True, args.workdir), "exact hash only")
            if not args.exact_only:
                print_scale(run_scale(n, False, args.workdir), "MinHash LSH + verify")


if __name__ == "__main__":
    main()
