"""Measure extraction: per-check pass rates on a snapshot manifest, the fixtures, and timing.

    python bench/extraction.py                      # build a snapshot in a temp dir, score it
    python bench/extraction.py --snapshot /tmp/snap # score an already built snapshot
    python bench/extraction.py --generic            # force the generic (trafilatura) path
    python bench/extraction.py --trafilatura precision|recall|balanced
    python bench/extraction.py --benchmark          # public benchmark: generic path vs trafilatura
    python bench/extraction.py --benchmark --ablation   # also the generic path without element location
    python bench/extraction.py --all --snapshot /tmp/snap   # benchmark, fixtures and snapshot in one run
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scrapers.extract import extract_article, generic  # noqa: E402
from scrapers.extract.evaluate import CHECKS, Case, leaks, load_cases, score  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"


def fixture_cases() -> list[Case]:
    """The extraction fixtures as scoring cases (must_not_contain plays the chrome strings)."""
    cases = []
    for path in sorted(FIXTURES.glob("*/*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        truth["chrome"] = truth.get("must_not_contain", [])
        cases.append(Case(path.parent.name, truth.get("family"), truth, path.with_suffix(".html").read_bytes(), {}))
    return cases


def run(cases: list[Case], force_generic: bool) -> None:
    """Extract every case and print pass rates overall and per site, and the slowest pages."""
    totals: Counter[str] = Counter()
    by_site: dict[str, Counter[str]] = defaultdict(Counter)
    sites: Counter[str] = Counter()
    leaked: Counter[str] = Counter()
    timings: list[tuple[float, str]] = []
    for case in cases:
        start = time.perf_counter()
        article = extract_article(case.body, case.truth["url"], family="generic" if force_generic else case.family,
                                  headers=case.headers)
        timings.append((time.perf_counter() - start, case.truth["url"]))
        passed = score(article, case.truth)
        sites[case.site] += 1
        for check, ok in passed.items():
            totals[check] += ok
            by_site[case.site][check] += ok
        for string in leaks(article, case.truth):
            leaked[f"{case.site}: {string}"] += 1
    n = len(cases)
    print(f"{n} articles" + (" (generic path forced)" if force_generic else ""))
    print("check".ljust(14) + "".join(c[:10].rjust(12) for c in CHECKS))
    print("ALL".ljust(14) + "".join(f"{totals[c] / n:12.1%}" for c in CHECKS))
    for site in sorted(sites):
        print(site[:13].ljust(14) + "".join(f"{by_site[site][c] / sites[site]:12.1%}" for c in CHECKS))
    if leaked:
        print("leaks:", leaked.most_common(10))
    timings.sort(reverse=True)
    print(f"time: mean {sum(t for t, _ in timings) / n * 1000:.1f} ms, max {timings[0][0] * 1000:.1f} ms")


def fixture_figures() -> None:
    """Body F1 (4-token shingles) against each fixture's full body, chrome leaks, field accuracy."""
    from scrapers.extract.benchmark import prf

    rows = []
    for case in fixture_cases():
        truth = case.truth
        article = extract_article(case.body, truth["url"], family=truth.get("family"))
        p, r = prf("\n".join(truth["body"]), article.body) if truth.get("body") else (-1.0, -1.0)
        leaked = [s for s in truth["chrome"] if s in article.body]
        rows.append((p, r, leaked, article.title == truth["title"],
                     article.published_at == truth.get("published_at"), article.author == truth.get("author", "")))
    n, full = len(rows), [r for r in rows if r[0] >= 0]  # F1 where the truth states the whole body
    mp, mr = sum(r[0] for r in full) / len(full), sum(r[1] for r in full) / len(full)
    print(f"fixtures: {n} pages  body P={mp:.3f} R={mr:.3f} F1={2 * mp * mr / (mp + mr):.3f} (on {len(full)} full bodies)  "
          f"pages leaking chrome={sum(1 for r in rows if r[2])}  title={sum(r[3] for r in rows) / n:.1%}  "
          f"date={sum(r[4] for r in rows) / n:.1%}  author={sum(r[5] for r in rows) / n:.1%}")


def lines_only(html: str, url: str) -> str:
    """Ablation: the generic path on trafilatura's lines alone, without locating the element."""
    from unittest import mock

    from scrapers.extract import article

    with mock.patch.object(article, "locate_container", lambda doc, lines: generic.Located()):
        return extract_article(html, url, family="generic").body


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshot", type=Path, help="a built snapshot directory (default: build one)")
    parser.add_argument("--fixtures", action="store_true", help="score the test fixtures instead")
    parser.add_argument("--generic", action="store_true", help="force the generic path")
    parser.add_argument("--benchmark", action="store_true", help="the public benchmark only")
    parser.add_argument("--all", action="store_true", help="benchmark, fixture figures, snapshot (both paths)")
    parser.add_argument("--ablation", action="store_true",
                        help="with --benchmark/--all: also time the generic path on trafilatura's lines alone")
    parser.add_argument("--trafilatura", choices=("precision", "recall", "balanced"),
                        help="trafilatura mode for the generic path")
    args = parser.parse_args()
    if args.trafilatura:
        generic.TRAFILATURA_OPTIONS.update(favor_precision=args.trafilatura == "precision",
                                           favor_recall=args.trafilatura == "recall")
    if args.benchmark or args.all:
        from scrapers.extract.benchmark import run_benchmark

        run_benchmark(extra={"generic, lines only": lines_only} if args.ablation else None)
    if args.all:
        fixture_figures()
    if args.benchmark:
        return
    if args.fixtures:
        fixture_figures()
        run(fixture_cases(), args.generic)
        return
    snapshot_dir = args.snapshot
    if snapshot_dir is None:
        from snapshot.build import build_snapshot

        snapshot_dir = Path(build_snapshot(Path(tempfile.mkdtemp(prefix="snap-"))))
    run(load_cases(snapshot_dir), args.generic)
    if args.all:
        run(load_cases(snapshot_dir), True)


if __name__ == "__main__":
    main()
