"""The `reformnews` command line: crawl, demo, serve, export, extract, sites, status."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

DEFAULT_DB = "data/archive.db"
DEMO_DB = "data/demo.db"


class CleanErrors(click.Group):
    """A group whose commands report any failure as one line on stderr and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:  # noqa: BLE001 - the user gets the message, not the stack
            from archive.safety import storage_problem

            message = storage_problem(exc) or str(exc) or type(exc).__name__
            if isinstance(exc, (KeyError, FileNotFoundError)) and exc.args:
                message = str(exc.args[-1]) if isinstance(exc, FileNotFoundError) else str(exc.args[0])
            raise click.ClickException(message.splitlines()[0] if message else type(exc).__name__) from None


def db_option(default: str | None = DEFAULT_DB, envvar: str | None = "REFORMNEWS_DB") -> Any:
    """The shared ``--db PATH`` option."""
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=default, envvar=envvar,
        show_default=True, show_envvar=bool(envvar), help="SQLite archive file.",
    )


@click.group(cls=CleanErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reformnews")
def main() -> None:
    """reformnews: an open archive of Vietnamese administrative-reform (CCHC) news.

    \b
    Example:
        reformnews demo                 # offline snapshot → archive → Datasette
        reformnews crawl --site binhdinh_skhcn
        reformnews serve --port 8001
    """


def load_sites() -> dict[str, Any]:
    """The site registry (scrapers/sites.toml, or REFORMNEWS_REGISTRY)."""
    import os

    from scrapers.registry import load_registry

    return load_registry(os.environ.get("REFORMNEWS_REGISTRY") or None)


def check_slugs(slugs: tuple[str, ...]) -> list[str]:
    """The slugs, or a clean error naming the unknown ones and listing the known ones."""
    registry = load_sites()
    unknown = [s for s in slugs if s not in registry]
    if unknown:
        raise click.ClickException(f"unknown site {', '.join(unknown)} (known: {', '.join(registry)})")
    return list(slugs)


def print_table(rows: list[list[Any]], header: list[str]) -> None:
    """Print rows as an aligned text table (numbers right-aligned)."""
    cells = [[("" if v is None else str(v)) for v in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(isinstance(r[i], (int, float)) for r in rows) and rows for i in range(len(header))]
    for n, row in enumerate(cells):
        parts = [v.rjust(w) if numeric[i] else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))]
        click.echo("  ".join(parts).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))


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


@main.command()
@click.option("--site", "sites", multiple=True, metavar="SLUG", help="Registry site to crawl (repeatable). Default: every active site.")
@click.option("--url", help="Crawl the site at this URL instead of registry sites.")
@click.option("--allow-private", is_flag=True, help="Allow loopback/private addresses (local test servers).")
@click.option("--snapshot", "snapshot_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Answer requests from this offline snapshot instead of the network.")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), envvar="REFORMNEWS_LOG_FILE",
              help="Rotating crawl log. Default: logs/crawl.log beside the archive.")
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


@main.command()
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


def _serve(db_path: Path, host: str, port: int, immutable: bool) -> None:
    from archive.serve import serve as run_server

    click.echo(f"serving {db_path} at http://{host}:{port}/ (Ctrl-C to stop)")
    run_server(db_path, host=host, port=port, immutable=immutable)


@main.command()
@click.option("--port", type=int, default=8001, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (0.0.0.0 to publish).")
@click.option("--immutable", is_flag=True, help="Open the file immutable (faster; only when no crawl writes to it).")
@db_option()
def serve(port: int, host: str, immutable: bool, db_path: Path) -> None:
    """Browse and search the archive with Datasette (read-only).

    \b
    Example:
        reformnews serve --db data/archive.db --port 8001
        open http://127.0.0.1:8001/archive/articles?_search=cai+cach+hanh+chinh
    """
    if not db_path.is_file():
        raise click.ClickException(f"no archive at {db_path} (run `reformnews crawl` or `reformnews demo` first)")
    _serve(db_path, host, port, immutable)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv"]), default="jsonl", show_default=True,
              help="JSON Lines (one article a line), one JSON array, or CSV (lists as JSON text).")
@click.option("--since", metavar="YYYY-MM-DD", help="Only articles published on or after this date.")
@click.option("--until", metavar="YYYY-MM-DD", help="Only articles published on or before this date.")
@click.option("--site", metavar="SLUG", help="Only articles of this site.")
@click.option("--province", metavar="NAME", help="Only articles of sites in this province (before or after 2025; tone marks optional).")
@click.option("--query", metavar="TEXT", help='Only articles whose title or body has every word ("quoted words" as a phrase).')
@click.option("--reform-only", is_flag=True, help="Only administrative-reform (CCHC) articles.")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE|-", help="Output file, or - for stdout.")
@click.option("--unique", is_flag=True, help="One record per story (its canonical copy, with every copy listed).")
@db_option()
def export(fmt: str, since: str | None, until: str | None, site: str | None, province: str | None,
           query: str | None, reform_only: bool, output: str, unique: bool, db_path: Path) -> None:
    """Export articles as JSON Lines, a JSON array or CSV (streamed, constant memory).

    \b
    Example:
        reformnews export --since 2024-01-01 --site binhdinh_skhcn -o cchc.jsonl
        reformnews export --format json -o - | jq length
        reformnews export --province "da nang" --query "mot cua" --reform-only --format csv -o dn.csv
        reformnews export --unique -o stories.jsonl   # republished copies once
    """
    import os

    from archive.export import export_articles, export_stories

    if unique:
        export_articles = export_stories  # noqa: F811 - same signature, one record per story

    given = {"until": until, "province": province, "query": query, "reform_only": reform_only}
    filters = {k: v for k, v in given.items() if v}
    if unique and filters:
        raise click.UsageError("--unique does not combine with --until, --province, --query or --reform-only yet")
    if output == "-":
        try:
            export_articles(db_path, sys.stdout, fmt=fmt, since=since, site=site, **filters)
            sys.stdout.flush()
        except BrokenPipeError:  # `| head`: the reader has all it wants
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    else:
        count = export_articles(db_path, output, fmt=fmt, since=since, site=site, **filters)
        click.echo(f"{count} articles written to {output}", err=True)


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="The page's URL (resolves links, picks the site profile). Default: the file's URI.")
@click.option("--batch", "manifest", type=click.Path(dir_okay=False, path_type=Path),
              help='JSON Lines manifest: {"path": ..., "url": ...} per line; paths relative to the manifest.')
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE|-", help="Where to write the JSON.")
def extract(file: Path | None, url: str | None, manifest: Path | None, output: str) -> None:
    """Extract the article of a saved HTML page and print it as JSON.

    With --batch, print one JSON line per manifest line, in order, each with its "path"
    (a missing file or a bad line gives an object with "error" on that line).

    \b
    Example:
        reformnews extract page.html --url https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin=X
        reformnews extract --batch pages.jsonl -o articles.jsonl
    """
    from archive.extract_cmd import extract_batch, extract_file

    if (file is None) == (manifest is None):
        raise click.UsageError("give either FILE or --batch MANIFEST")
    with click.open_file(output, "w", encoding="utf-8") as out:
        if manifest is not None:
            extract_batch(manifest, out)
        else:
            extract_file(file, url, out)


@main.group(invoke_without_command=True)
@db_option()
@click.pass_context
def sites(ctx: click.Context, db_path: Path) -> None:
    """List the registry's sites with their archived article counts and last crawl.

    \b
    Example:
        reformnews sites --db data/demo.db
        reformnews sites check            # validate scrapers/sites.toml
    """
    if ctx.invoked_subcommand is not None:
        return
    registry = load_sites()
    stats: dict[str, dict[str, Any]] = {}
    if db_path.is_file():
        from archive.store import Archive

        with Archive(db_path) as archive:
            stats = archive.site_stats()
    rows = []
    for slug, site in registry.items():
        s = stats.get(slug, {})
        rows.append([slug, site.province_2025 or site.province, site.family, "yes" if site.active else "no",
                     s.get("articles", 0), s.get("reform", 0), (s.get("newest") or "")[:10],
                     (s.get("last_crawl") or "")[:16].replace("T", " ")])
    print_table(rows, ["site", "province", "family", "active", "articles", "reform", "newest", "last crawl"])


@sites.command("check")
@click.argument("registry", required=False, type=click.Path(dir_okay=False, path_type=Path))
def sites_check(registry: Path | None) -> None:
    """Validate the registry: families, URLs, regexes, duplicate slugs and base URLs (exit 1 on a problem).

    \b
    Example:
        reformnews sites check
        reformnews sites check my-sites.toml
    """
    import os

    from scrapers.registry import check_registry, load_registry

    env = os.environ.get("REFORMNEWS_REGISTRY")
    path = registry or (Path(env) if env else None)
    problems = check_registry(path)
    if problems:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(f"{len(problems)} problem(s) in the registry")
    found = load_registry(path)
    active = sum(1 for s in found.values() if s.active)
    click.echo(f"registry ok: {len(found)} sites ({active} active)")


@main.command()
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


@main.command()
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


if __name__ == "__main__":
    main()
