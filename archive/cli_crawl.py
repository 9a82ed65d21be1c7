"""`reformnews crawl`, `demo`, `images`, `reextract` and `status`: filling the archive and watching it fill."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from archive.cli_common import DEMO_DB, check_slugs, db_option, log_file_option, print_table, snapshot_option
from archive.cli_browse import _serve


def print_summary(summary: Any) -> None:
    """Print a crawl summary: one line per site, then the totals and the run status."""
    keys = ["new", "updated", "unchanged", "duplicates", "errors"]
    per_site: dict[str, dict[str, int]] = getattr(summary, "per_site", {}) or {}
    rows = [[site, *(int(c.get(k, 0) or 0) for k in keys)] for site, c in sorted(per_site.items())]
    counts: dict[str, int] = getattr(summary, "counts", {}) or {}
    totals = [int(counts[k]) if k in counts else sum(r[i + 1] for r in rows) for i, k in enumerate(keys)]
    print_table([*rows, ["total", *totals]], ["site", *keys])
    run_id = getattr(summary, "run_id", None)
    status = getattr(summary, "status", "")
    click.echo(f"run {run_id}: {status}" if run_id is not None else f"status: {status}")


@click.command()
@click.option("--site", "sites", multiple=True, metavar="SLUG", help="Registry site to crawl (repeatable). Default: every active site.")
@click.option("--url", help="Crawl the site at this URL instead of registry sites.")
@click.option("--allow-private", is_flag=True, help="Allow loopback/private addresses (local test servers).")
@snapshot_option()
@log_file_option()
@db_option()
def crawl(sites: tuple[str, ...], url: str | None, allow_private: bool, snapshot_dir: Path | None,
          log_file: Path | None, db_path: Path) -> None:
    """Crawl registry sites (or one URL) into the archive: only what is new since the last run.

    On a terminal it shows progress and a table per site; otherwise (cron) it prints one summary
    line. The log goes to a rotating file. Exit status: 0 ok; 1 the crawl failed (the next run
    resumes it); 3 it finished but a site could not be fetched at all; 75 another crawl of the
    same archive is running (nothing was done).

    \b
    Example:
        reformnews crawl --site binhdinh_skhcn --site quangtri_sokhcn
        reformnews crawl --url https://sonoivu.example.gov.vn/ --db data/trial.db
        15 2 * * *  cd /srv/reformnews && .venv/bin/reformnews crawl --db data/archive.db
    """
    slugs = check_slugs(sites) if sites else None
    import spiders.run
    from spiders.lock import CrawlLocked

    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        extra = {k: v for k, v in (("snapshot_dir", snapshot_dir), ("log_file", log_file)) if v}
        summary = spiders.run.run_crawl(db_path, sites=slugs, url=url, allow_private=allow_private, **extra)
    except CrawlLocked as exc:
        click.echo(f"reformnews crawl: {exc}", err=True)
        sys.exit(exc.exit_code)
    interactive = sys.stdout.isatty()
    if interactive:
        print_summary(summary)
    click.echo(summary_line(summary))
    code = getattr(summary, "cli_exit_code", 0 if summary.ok else 1)
    if not isinstance(code, int):
        code = 0 if summary.ok else 1
    if code == 1:
        raise click.ClickException(f"the crawl did not finish cleanly (status {summary.status!r}); see crawl_errors")
    if code:
        sys.exit(code)


def summary_line(summary: Any) -> str:
    """A crawl in one line (what cron mails): totals, then the sites that gained articles or had errors."""
    counts: dict[str, int] = getattr(summary, "counts", {}) or {}
    per_site: dict[str, dict[str, int]] = getattr(summary, "per_site", {}) or {}
    keys = ["new", "updated", "unchanged", "duplicates", "errors"]
    totals = {k: int(counts.get(k, sum(int(c.get(k, 0) or 0) for c in per_site.values()))) for k in keys}
    text = (f"run {getattr(summary, 'run_id', '?')}: {summary.status}, {len(per_site)} sites, "
            + ", ".join(f"{totals[k]} {k}" for k in keys)
            + f", {int(counts.get('requests', 0))} requests, {int(counts.get('bytes', 0)) / 1e6:.1f} MB")
    notable = [f"{site} +{int(c.get('new', 0) or 0)}" + (f"/{int(c['errors'])} errors" if c.get("errors") else "")
               for site, c in sorted(per_site.items()) if c.get("new") or c.get("errors")]
    if notable:
        text += "; " + ", ".join(notable)
    failed = getattr(summary, "failed_sites", None) or []
    if failed:
        text += f"; could not fetch: {', '.join(failed)}"
    log_file = getattr(summary, "log_file", "")
    return text + (f" (log: {log_file})" if log_file else "")


def is_demo_database(path: Path) -> bool:
    """True when ``path`` is an archive that `reformnews demo` created."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("select value from archive_meta where key = 'created_by'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == "demo"


def reset_demo_database(db_path: Path) -> None:
    """Delete a previous demo archive (never any other file) and create an empty one marked as demo."""
    from archive.store import Archive

    if db_path.exists():
        if not is_demo_database(db_path):
            raise click.ClickException(
                f"{db_path} exists and was not created by `reformnews demo`; refusing to delete it "
                "(choose another --db)"
            )
        for suffix in ("", "-wal", "-shm", "-journal"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        import shutil

        from scrapers.middlewares.warc import warc_dir_for

        shutil.rmtree(warc_dir_for(db_path), ignore_errors=True)  # the demo archive's own WARCs
    with Archive(db_path) as archive:
        archive.set_meta("created_by", "demo")


@click.command()
@click.option("--no-serve", is_flag=True, help="Build the demo archive and stop; do not start Datasette.")
@click.option("--port", type=int, default=8001, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@db_option(default=DEMO_DB, envvar=None)
def demo(no_serve: bool, port: int, host: str, db_path: Path) -> None:
    """Build the offline snapshot, crawl it into a fresh demo archive and serve it.

    The snapshot goes to a `snapshot` directory beside the database. Only a database that
    `reformnews demo` created is ever deleted.

    \b
    Example:
        reformnews demo                       # data/demo.db, http://127.0.0.1:8001/
        reformnews demo --no-serve --db /tmp/demo.db
    """
    from snapshot.build import build_snapshot
    from spiders.run import run_crawl
    from spiders.site import snapshot_sites

    db_path.parent.mkdir(parents=True, exist_ok=True)
    snapshot_dir = db_path.parent / "snapshot"
    click.echo(f"building the offline snapshot in {snapshot_dir} ...")
    build_snapshot(snapshot_dir)
    reset_demo_database(db_path)
    click.echo(f"crawling the snapshot into {db_path} ...")
    # Only the registry sites the snapshot holds (the registry also lists live-only sites).
    summary = run_crawl(db_path, sites=snapshot_sites(snapshot_dir), snapshot_dir=snapshot_dir)
    print_summary(summary)
    if no_serve:
        if not summary.ok:
            raise click.ClickException(f"the demo crawl did not finish cleanly (status {summary.status!r})")
        return
    if not summary.ok:
        click.echo(f"warning: the demo crawl did not finish cleanly (status {summary.status!r})", err=True)
    _serve(db_path, host, port, immutable=True)


@click.command()
@click.option("--site", "sites", multiple=True, metavar="SLUG", help="Only this registry site's articles (repeatable).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N articles (oldest archived first).")
@click.option("--retry-failed", is_flag=True,
              help="Instead: the articles with an image whose earlier attempt kept nothing (404, not an image...).")
@snapshot_option()
@log_file_option()
@db_option()
def images(sites: tuple[str, ...], limit: int | None, retry_failed: bool, snapshot_dir: Path | None,
           log_file: Path | None, db_path: Path) -> None:
    """Keep the images of archived articles that have none recorded yet (archived before images were kept).

    Each image is fetched through Scrapy like a crawl's (robots.txt, politeness, retries, WARC files),
    verified and kept once per sha256, or the reason none is kept is recorded. Articles' text is never
    touched. With --retry-failed, only the images whose earlier attempt failed are tried again. Prints
    one line: images kept, refused, and linked to a copy the archive already held. Exit status: 0 ok;
    1 the run failed; 75 a crawl of the same archive is running.

    \b
    Example:
        reformnews images --site binhdinh_skhcn --limit 100
        reformnews images --retry-failed
    """
    if not db_path.is_file():
        raise click.ClickException(f"no archive at {db_path} (run `reformnews crawl` or `reformnews demo` first)")
    if sites:
        check_slugs(sites)
    from spiders.backfill import run_image_backfill
    from spiders.lock import CrawlLocked

    try:
        extra = {k: v for k, v in (("snapshot_dir", snapshot_dir), ("log_file", log_file)) if v}
        summary = run_image_backfill(db_path, sites=list(sites) or None, limit=limit, retry_failed=retry_failed,
                                     **extra)
    except CrawlLocked as exc:
        click.echo(f"reformnews images: {exc}", err=True)
        sys.exit(exc.exit_code)
    click.echo(summary.one_line())
    if not summary.ok:
        raise click.ClickException(f"the image backfill did not finish cleanly (status {summary.status!r})")


@click.command()
@click.option("--site", metavar="SLUG", help="Only this site's articles.")
@click.option("--warc-dir", type=click.Path(file_okay=False, path_type=Path),
              help="WARC directory. Default: warc/<db name>/ beside the archive.")
@db_option()
def reextract(site: str | None, warc_dir: Path | None, db_path: Path) -> None:
    """Rebuild articles from the stored WARC files with the current extractors (no network).

    \b
    Example:
        reformnews reextract --site binhdinh_skhcn
        reformnews reextract --db data/fresh.db --warc-dir data/warc/archive   # a new archive from WARCs alone
    """
    from archive.reextract import reextract as run
    from scrapers.middlewares.warc import warc_dir_for

    directory = warc_dir or warc_dir_for(db_path)
    if not directory.is_dir():
        raise click.ClickException(f"no WARC directory at {directory}")
    outcomes = run(db_path, directory, site=site)
    keys = ["new", "updated", "unchanged", "duplicates", "failed", "not_an_article"]
    click.echo(", ".join(f"{outcomes.get(k, 0)} {k.replace('_', ' ')}" for k in keys))


@click.command()
@click.option("--limit", type=int, default=10, show_default=True, help="How many recent runs to show.")
@db_option()
def status(limit: int, db_path: Path) -> None:
    """Show the latest crawl runs, and per site its last run, articles gained and warnings.

    A warning marks a site whose last run could not fetch it, whose listings showed no article
    link in the last 3 runs, or where extraction failed on most pages (the site has changed).

    \b
    Example:
        reformnews status --limit 5
    """
    if not db_path.is_file():
        raise click.ClickException(f"no archive at {db_path}")
    from archive.store import Archive

    with Archive(db_path) as archive:
        runs = archive.recent_runs(limit)
        health = archive.site_health()
        waiting = archive.frontier_count()
    keys = ["new", "updated", "unchanged", "duplicates", "errors", "requests"]
    rows = [[r["id"], (r["started_at"] or "")[:16].replace("T", " "), r["spider"], r["status"],
             *(r[k] or 0 for k in keys)] for r in runs]
    print_table(rows, ["run", "started", "spider", "status", *keys])
    if health:
        click.echo("")
        site_rows = [[slug, h["run_id"], (h["started_at"] or "")[:16].replace("T", " "), h["status"], h["new"],
                      h["gained"], h["errors"], "; ".join(h["warnings"])] for slug, h in sorted(health.items())]
        print_table(site_rows, ["site", "last run", "started", "status", "new", "gained (3 runs)", "errors",
                                "warning"])
    if waiting:
        click.echo(f"\n{waiting} discovered article URLs wait in the frontier for the next run")
