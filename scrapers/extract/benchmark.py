"""The public article-extraction benchmark (bench/extraction.py): 4-token shingle P/R/F1, generic path vs trafilatura."""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
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


def _trafilatura(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""  # the benchmark's own runner


def run_benchmark(root: Path = BENCHMARK, rounds: int = 3,
                  extra: Mapping[str, Callable[[str, str], str]] | None = None,
                  ) -> dict[str, tuple[float, float, float, float]]:
    """Run the extractors on every page (alternating, best of ``rounds`` for time); print and return figures.

    Time is measured twice: wall clock, and the process's CPU time (steadier when other work shares
    the machine; all extractors run in this one thread). ``extra`` adds extractors by name (``html, url``
    to body text), run and printed after the two compared ones. Returns (P, R, F1, pages per CPU second).
    """
    ground = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {k: gzip.open(root / "html" / f"{k}.html.gz", "rt", encoding="utf-8").read() for k in ground}
    truth = {k: v.get("articleBody", "") for k, v in ground.items()}
    extractors: dict[str, Callable[[str, str], str]] = {"reformnews generic": _ours, "trafilatura (default)": _trafilatura}
    extractors.update(extra or {})
    out: dict[str, tuple[float, float, float, float]] = {}
    wall = {name: float("inf") for name in extractors}
    cpu = {name: float("inf") for name in extractors}
    predicted: dict[str, dict[str, str]] = {name: {} for name in extractors}
    for _ in range(rounds):
        for name, extract in extractors.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            predicted[name] = {k: extract(html, ground[k].get("url", "")) for k, html in pages.items()}
            wall[name] = min(wall[name], time.perf_counter() - start)
            cpu[name] = min(cpu[name], time.process_time() - start_cpu)
    print(f"benchmark: {len(pages)} pages ({root.name}); best of {rounds} rounds")
    peer = "trafilatura (default)"
    for name in extractors:
        p, r, f1 = score(truth, predicted[name])
        out[name] = (p, r, f1, len(pages) / cpu[name])
        print(f"  {name:24s} P={p:.3f} R={r:.3f} F1={f1:.3f}  {len(pages) / wall[name]:6.1f} pages/s wall "
              f"({wall[peer] / wall[name]:.2f}x)  {len(pages) / cpu[name]:6.1f} pages/s CPU ({cpu[peer] / cpu[name]:.2f}x)")
    return out
