"""Kill a crawl of the fault web's clean site with SIGKILL 50 times at random moments, resume, check the archive.

    .venv/bin/python bench/crash.py [KILLS]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/incremental.py would shadow the `incremental` package

from tests.faultweb import FaultWeb, clean_paths  # noqa: E402
from tests.test_crash import kill_and_resume  # noqa: E402


ROUND = 5  # kills per fresh archive: by the 5th the site is usually archived completely


def main(kills: int = 50) -> None:
    """Run the kills (ROUND per fresh archive, each round resumed to the end) and print the figures."""
    rng = random.Random(2024)
    outcome: dict = {"counts_after_kills": [], "problems": [], "finals": [], "urls": {}, "statuses": []}
    with tempfile.TemporaryDirectory() as tmp, FaultWeb(delay=0.03) as web:
        began = time.monotonic()
        truth = {web.url.rstrip("/") + p for p in clean_paths()}
        lost = duplicated = extra = 0
        for number in range(0, kills, ROUND):
            one = kill_and_resume(Path(tmp) / f"archive-{number}.db", web, min(ROUND, kills - number), rng)
            outcome["counts_after_kills"] += one["counts_after_kills"]
            outcome["problems"] += one["problems"]
            outcome["statuses"] += one["statuses"]
            outcome["finals"].append(one["final"])
            missing = truth - set(one["urls"])
            lost += len(missing)
            if missing:  # say why: the crawl_errors of the lost pages
                import sqlite3

                conn = sqlite3.connect(Path(tmp) / f"archive-{number}.db")
                for url in sorted(missing):
                    why = [r[0] for r in conn.execute("select reason from crawl_errors where url = ?", [url])]
                    print(f"lost {url}: {why or 'no crawl error recorded'}")
                conn.close()
            duplicated += sum(1 for n in one["urls"].values() if n > 1)
            extra += len(set(one["urls"]) - truth)
    counts = outcome["counts_after_kills"]
    mid = sum(1 for n in counts if 0 < n < len(truth))
    print(f"kills: {kills} ({mid} mid-crawl with 0 < articles < {len(truth)}, "
          f"{sum(1 for n in counts if n == 0)} before the first article, {sum(1 for n in counts if n == len(truth))} after the last)")
    print(f"archive checks after every kill (integrity_check, partial rows, search index, WARC records): "
          f"{len(outcome['problems'])} problems")
    for problem in outcome["problems"][:10]:
        print("  ", problem)
    finals = outcome["finals"]
    print(f"{len(finals)} archives, each resumed to the end: {sum(f['exit_code'] == 0 and f['status'] == 'ok' for f in finals)} "
          f"final runs ok; articles lost {lost}, duplicated {duplicated}, extra {extra} "
          f"(of {len(truth)} per archive); run statuses: {sorted(set(outcome['statuses']))}")
    print(f"total {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
