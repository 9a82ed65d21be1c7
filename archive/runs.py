"""Crawl bookkeeping of the archive: runs, their per-site counts, errors and site statistics."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from archive.clock import now_iso
from scrapers.items import CrawlError

if TYPE_CHECKING:
    from sqlite_utils import Database

COUNT_KEYS = ("new", "updated", "unchanged", "duplicates", "errors")
RUN_KEYS = ("requests", "bytes", *COUNT_KEYS)


class RunsMixin:
    """Methods of :class:`archive.store.Archive` about crawl runs."""

    db: "Database"

    def start_run(self, spider: str, sites: list[str]) -> int:
        """Open a crawl run ("running") and return its id."""
        cursor = self.db.execute(
            "insert into crawl_runs (started_at, status, spider, sites, requests, bytes, new, updated, "
            "unchanged, duplicates, errors) values (?, 'running', ?, ?, 0, 0, 0, 0, 0, 0, 0)",
            [now_iso(), spider, json.dumps(list(sites))],
        )
        return int(cursor.lastrowid)

    def write_run_counts(self, run_id: int, counts: dict[str, Any]) -> None:
        """Set a run's totals (keys of RUN_KEYS) and its per-site counts (``counts["per_site"]``)."""
        with self.db.atomic():
            for key in RUN_KEYS:
                if key in counts:
                    self.db.execute(f"update crawl_runs set [{key}] = ? where id = ?", [int(counts[key] or 0), run_id])
            for site, site_counts in (counts.get("per_site") or {}).items():
                values = [int(site_counts.get(k, 0) or 0) for k in COUNT_KEYS]
                self.db.execute(
                    "insert into crawl_run_sites (run_id, site, new, updated, unchanged, duplicates, errors) "
                    "values (?, ?, ?, ?, ?, ?, ?) on conflict(run_id, site) do update set new = excluded.new, "
                    "updated = excluded.updated, unchanged = excluded.unchanged, "
                    "duplicates = excluded.duplicates, errors = excluded.errors",
                    [run_id, site, *values],
                )

    def finish_run(self, run_id: int, counts: dict[str, Any], status: str) -> None:
        """Close a run with its counts and status ("ok" when the crawl ran to its end)."""
        counts = dict(counts)
        if "errors" not in counts:
            counts["errors"] = self.db.execute(
                "select count(*) from crawl_errors where run_id = ?", [run_id]
            ).fetchone()[0]
        self.write_run_counts(run_id, counts)
        self.db.execute(
            "update crawl_runs set status = ?, finished_at = ? where id = ?", [status, now_iso(), run_id]
        )

    def fail_run(self, run_id: int, reason: str) -> None:
        """Mark a run failed, keeping whatever counts it wrote, with the reason in its note."""
        self.db.execute(
            "update crawl_runs set status = 'failed', note = ?, finished_at = coalesce(finished_at, ?) "
            "where id = ?",
            [reason, now_iso(), run_id],
        )

    def record_error(self, run_id: int | None, error: CrawlError) -> None:
        """Write one crawl error (a page not fetched or not turned into an article) with its reason."""
        self.db.execute(
            "insert into crawl_errors (run_id, url, site, reason, http_status, kind, at) values (?, ?, ?, ?, ?, ?, ?)",
            [run_id, error.url, error.site, error.reason or "unknown failure", error.http_status,
             error.kind, now_iso()],
        )

    def run_summary(self, run_id: int) -> dict[str, Any]:
        """A run as {"id", "status", "spider", "started_at", "finished_at", "note", "counts", "per_site"}."""
        rows = list(self.db.query("select * from crawl_runs where id = ?", [run_id]))
        if not rows:
            raise KeyError(f"no crawl run {run_id}")
        run = rows[0]
        per_site = {
            r["site"]: {**{k: r[k] or 0 for k in COUNT_KEYS},
                        **{k: r.get(k) or 0 for k in ("requests", "responses", "bytes")},
                        "status": r.get("status") or ""}
            for r in self.db.query("select * from crawl_run_sites where run_id = ? order by site", [run_id])
        }
        return {
            "id": run["id"], "status": run["status"], "spider": run["spider"],
            "started_at": run["started_at"], "finished_at": run["finished_at"], "note": run["note"],
            "sites": json.loads(run["sites"] or "[]"),
            "counts": {k: run[k] or 0 for k in RUN_KEYS},
            "per_site": per_site,
        }

    def set_run_exit(self, run_id: int, exit_code: int) -> None:
        """Record the exit status of a run's crawl process."""
        self.db.execute("update crawl_runs set exit_code = ? where id = ?", [exit_code, run_id])

    def failed_sites(self, run_id: int) -> list[str]:
        """Sites of a run that could not be fetched at all."""
        return [r["site"] for r in self.db.query(
            "select site from crawl_run_sites where run_id = ? and status = 'failed' order by site", [run_id])]

    def site_health(self, recent: int = 3) -> dict[str, dict[str, Any]]:
        """Per site: its last run (id, time, status, counts), articles gained over the recent runs, and warnings."""
        by_site: dict[str, list[dict[str, Any]]] = {}
        for row in self.db.query(
            "select s.*, r.started_at from crawl_run_sites s join crawl_runs r on r.id = s.run_id "
            "order by s.site, s.run_id desc"
        ):
            by_site.setdefault(row["site"], []).append(row)
        health: dict[str, dict[str, Any]] = {}
        for site, runs in by_site.items():
            last, window = runs[0], runs[:recent]
            failures = self.db.execute(
                "select count(*) from crawl_errors where run_id = ? and site = ? "
                "and kind in ('extraction', 'no_title', 'empty_body', 'dropped')", [last["run_id"], site]).fetchone()[0]
            archived = sum((last[k] or 0) for k in ("new", "updated", "unchanged", "duplicates"))
            warnings = []
            if last["status"] == "failed":
                warnings.append("the last run could not fetch the site")
            if len(window) == recent and all(r["status"] == "ok" and not (r["links"] or 0) and not (r["not_modified"] or 0) for r in window):
                warnings.append(f"no article link found in the last {recent} runs: has the site changed?")
            if failures and failures > archived:
                warnings.append(f"extraction failed on most pages of the last run ({failures} of "
                                f"{failures + archived}): has the page template changed?")
            health[site] = {
                "run_id": last["run_id"], "started_at": last["started_at"], "status": last["status"] or "",
                "new": last["new"] or 0, "updated": last["updated"] or 0, "errors": last["errors"] or 0,
                "requests": last["requests"] or 0, "gained": sum(r["new"] or 0 for r in window),
                "warnings": warnings,
            }
        return health

    def site_stats(self) -> dict[str, dict[str, Any]]:
        """Per site: articles, reform articles, newest publication date, last crawl and its status."""
        stats: dict[str, dict[str, Any]] = {}
        for row in self.db.query(
            "select site, count(*) as articles, sum(reform) as reform, max(published_at) as newest "
            "from articles group by site"
        ):
            stats[row["site"]] = {"articles": row["articles"], "reform": row["reform"] or 0, "newest": row["newest"]}
        for row in self.db.query(
            "select s.site, max(coalesce(r.finished_at, r.started_at)) as last_crawl "
            "from crawl_run_sites s join crawl_runs r on r.id = s.run_id group by s.site"
        ):
            stats.setdefault(row["site"], {"articles": 0, "reform": 0, "newest": None})
            stats[row["site"]]["last_crawl"] = row["last_crawl"]
        for value in stats.values():
            value.setdefault("last_crawl", None)
        return stats

    def recent_runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The latest crawl runs, newest first."""
        return list(self.db.query("select * from crawl_runs order by id desc limit ?", [limit]))
