"""Crawl the fault web once and print, per fault kind, pages expected / archived, errors recorded, crashes.

    .venv/bin/python bench/faults.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/incremental.py would shadow the `incremental` package

from tests.faultweb import FaultWeb, crawl_in_child, crawl_settings, expected, our_errors  # noqa: E402
from tests.test_faults import full  # noqa: E402


def main() -> None:
    """Run the crawl and print the table."""
    with tempfile.TemporaryDirectory() as tmp, FaultWeb(sleep=3) as web:
        began = time.monotonic()
        result = crawl_in_child(f"{tmp}/archive.db", web.url, f"{tmp}/crawl.log", crawl_settings())
        seconds = time.monotonic() - began
        conn = sqlite3.connect(f"{tmp}/archive.db")
        articles = {r[0] for r in conn.execute("select url from articles")}
        errors = {r[0]: r[1] for r in conn.execute("select url, reason from crawl_errors")}
        traps = [r[0] for r in conn.execute("select reason from crawl_errors where kind = 'trap'")]
        crashes = our_errors(Path(f"{tmp}/crawl.log").read_text(encoding="utf-8"))
        hits = dict(web.hits)
    rows = []
    for kind, e in expected().items():
        good = [full(web.url, p) for p in e.good]
        bad = {full(web.url, p): w for p, w in e.bad.items()}
        recorded = [u for u, w in bad.items() if w in errors.get(u, "")]
        if e.bounded:  # one crawl_errors row per trap, where the crawl stopped following it
            spent = sum(n for p, n in hits.items() if p.startswith(e.bounded))
            reasons = [r for r in traps if e.trap and e.trap in r]
            recorded, bad = reasons, {e.bounded: e.trap}
            note = f"{spent} requests, then: " + "; ".join(reasons) if reasons else f"trap: {spent} requests, then stopped"
        else:
            note = "; ".join(sorted({errors[u] for u in bad if u in errors}))[:90]
        rows.append((kind, len(good), sum(u in articles for u in good), f"{len(recorded)}/{len(bad)}",
                     sum(u in articles for u in bad), note))
    print(f"| fault kind | good pages expected | archived | errors recorded | bad pages archived | reason |")
    print("|---|---:|---:|---:|---:|---|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print(f"\ncrawl: exit {result['exit_code']}, status {result['status']}, {seconds:.1f} s, "
          f"{result['counts'].get('requests', 0)} requests, peak RSS of the crawl process "
          f"{result['peak_rss_mb']:.0f} MB, tracebacks/ERROR lines from our code: {len(crashes)}")
    for line in crashes[:5]:
        print("  ", line[:160])


if __name__ == "__main__":
    main()
