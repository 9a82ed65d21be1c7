"""The public article-extraction benchmark (bench/extraction.py): 4-token shingle P/R/F1, generic path vs trafilatura."""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

BENCHMARK = Path("/work/shared/bench/article-extraction-benchmark")
_TOKEN = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of n-token shingles of ``text`` (as the benchmark's evaluate.py cuts them)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def prf(true: str, pred: str) -> tuple[float, float]:
    """Precision and recall of ``pred`` against ``true`` on shingles (two empties match, one empty scores 0)."""
    a, b = _shingles(true), _shingles(pred)
    tp, fp, fn = sum((a & b).values()), sum((b - a).values()), sum((a - b).values())
    if fp == fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def score(truth: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """Mean precision and recall over pages and the F1 of those means (the benchmark's figure)."""
    pairs = [prf(truth[k], predicted.get(k, "")) for k in truth]
    p = sum(x for x, _ in pairs) / len(pairs)
    r = sum(y for _, y in pairs) / len(pairs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _ours(html: str, url: str) -> str:
    from scrapers.extract import extract_article

    return extract_article(html, url, family="generic").body


def _ours_lines_only(html: str, url: str) -> str:
    """Ablation: the generic path on trafilatura's lines alone, without locating the element."""
    from unittest import mock

    from scrapers.extract import article, generic

    with mock.patch.object(article, "locate_container", lambda doc, lines: generic.Located()):
        return _ours(html, url)


def _trafilatura(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""  # the benchmark's own runner


def run_benchmark(root: Path = BENCHMARK, rounds: int = 2,
                  ablation: bool = False) -> dict[str, tuple[float, float, float, float]]:
    """Run the extractors on every page (alternating, best of ``rounds`` for time); print and return figures.

    ``ablation`` adds the generic path without its element location (where its time goes).
    """
    ground = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {k: gzip.open(root / "html" / f"{k}.html.gz", "rt", encoding="utf-8").read() for k in ground}
    truth = {k: v.get("articleBody", "") for k, v in ground.items()}
    extractors: dict[str, Callable[[str, str], str]] = {"reformnews generic": _ours, "trafilatura (default)": _trafilatura}
    if ablation:
        extractors["generic, lines only"] = _ours_lines_only
    out: dict[str, tuple[float, float, float, float]] = {}
    best = {name: float("inf") for name in extractors}
    predicted: dict[str, dict[str, str]] = {name: {} for name in extractors}
    for _ in range(rounds):
        for name, extract in extractors.items():
            start = time.perf_counter()
            predicted[name] = {k: extract(html, ground[k].get("url", "")) for k, html in pages.items()}
            best[name] = min(best[name], time.perf_counter() - start)
    print(f"benchmark: {len(pages)} pages ({root.name})")
    for name in extractors:
        p, r, f1 = score(truth, predicted[name])
        out[name] = (p, r, f1, len(pages) / best[name])
        print(f"  {name:24s} P={p:.3f} R={r:.3f} F1={f1:.3f}  {len(pages) / best[name]:6.1f} pages/s")
    return out
