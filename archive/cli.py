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
            message = str(exc) or type(exc).__name__
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
@db_option()
def crawl(sites: tuple[str, ...], url: str | None, allow_private: bool, db_path: Path) -> None:
    """Crawl registry sites (or one URL) into the archive.

    \b
    Example:
        reformnews crawl --site binhdinh_skhcn --site quangtri_sokhcn
        reformnews crawl --url https://sonoivu.example.gov.vn/ --db data/trial.db
    """
    slugs = check_slugs(sites) if sites else None
    from spiders.run import run_crawl

    db_path.parent.mkdir(parents=True, exist_ok=True)
    summary = run_crawl(db_path, sites=slugs, url=url, allow_private=allow_private)
    print_summary(summary)
    if not summary.ok:
        raise click.ClickException(f"the crawl did not finish cleanly (status {summary.status!r}); see crawl_errors")


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

    db_path.parent.mkdir(parents=True, exist_ok=True)
    snapshot_dir = db_path.parent / "snapshot"
    click.echo(f"building the offline snapshot in {snapshot_dir} ...")
    build_snapshot(snapshot_dir)
    reset_demo_database(db_path)
    click.echo(f"crawling the snapshot into {db_path} ...")
    summary = run_crawl(db_path, sites=None, snapshot_dir=snapshot_dir)
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
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True,
              help="JSON Lines (one article a line) or one JSON array.")
@click.option("--since", metavar="YYYY-MM-DD", help="Only articles published on or after this date.")
@click.option("--site", metavar="SLUG", help="Only articles of this site.")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE|-", help="Output file, or - for stdout.")
@db_option()
def export(fmt: str, since: str | None, site: str | None, output: str, db_path: Path) -> None:
    """Export articles as JSON Lines or a JSON array (streamed, constant memory).

    \b
    Example:
        reformnews export --since 2024-01-01 --site binhdinh_skhcn -o cchc.jsonl
        reformnews export --format json -o - | jq length
    """
    from archive.export import export_articles

    if output == "-":
        count = export_articles(db_path, sys.stdout, fmt=fmt, since=since, site=site)
    else:
        count = export_articles(db_path, output, fmt=fmt, since=since, site=site)
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


@main.command()
@db_option()
def sites(db_path: Path) -> None:
    """List the registry's sites with their archived article counts and last crawl.

    \b
    Example:
        reformnews sites --db data/demo.db
    """
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


@main.command()
@click.option("--limit", type=int, default=10, show_default=True, help="How many recent runs to show.")
@db_option()
def status(limit: int, db_path: Path) -> None:
    """Show the latest crawl runs and their counts.

    \b
    Example:
        reformnews status --limit 5
    """
    if not db_path.is_file():
        raise click.ClickException(f"no archive at {db_path}")
    from archive.store import Archive

    with Archive(db_path) as archive:
        runs = archive.recent_runs(limit)
    keys = ["new", "updated", "unchanged", "duplicates", "errors", "requests"]
    rows = [[r["id"], (r["started_at"] or "")[:16].replace("T", " "), r["spider"], r["status"],
             *(r[k] or 0 for k in keys)] for r in runs]
    print_table(rows, ["run", "started", "spider", "status", *keys])


if __name__ == "__main__":
    main()
