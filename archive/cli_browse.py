"""`reformnews serve`, `export`, `extract` and `sites`: reading what the archive holds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from archive.cli_common import db_option, load_sites, print_table


def _serve(db_path: Path, host: str, port: int, immutable: bool) -> None:
    from archive.serve import serve as run_server

    click.echo(f"serving {db_path} at http://{host}:{port}/ (Ctrl-C to stop)")
    run_server(db_path, host=host, port=port, immutable=immutable)


@click.command()
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


@click.command()
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

    write = export_stories if unique else export_articles  # same signature; one record per story

    given = {"until": until, "province": province, "query": query, "reform_only": reform_only}
    filters = {k: v for k, v in given.items() if v}
    if unique and filters:
        raise click.UsageError("--unique does not combine with --until, --province, --query or --reform-only yet")
    if output == "-":
        try:
            write(db_path, sys.stdout, fmt=fmt, since=since, site=site, **filters)
            sys.stdout.flush()
        except BrokenPipeError:  # `| head`: the reader has all it wants
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    else:
        count = write(db_path, output, fmt=fmt, since=since, site=site, **filters)
        click.echo(f"{count} articles written to {output}", err=True)


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="The page's URL (resolves links, picks the site profile). Default: the file's URI.")
@click.option("--batch", "manifest", type=click.Path(dir_okay=False, path_type=Path),
              help='JSON Lines manifest: {"path": ..., "url": ...} per line; paths relative to the manifest.')
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE|-", help="Where to write the JSON.")
def extract(file: Path | None, url: str | None, manifest: Path | None, output: str) -> None:
    """Extract the article of a saved HTML page, or the text, fields and outline of a document
    (PDF, DOC, DOCX; XLSX/XLS as rows), and print it as JSON.

    With --batch, print one JSON line per manifest line, in order, each with its "path"
    (a missing file or a bad line gives an object with "error" on that line).

    \b
    Example:
        reformnews extract page.html --url https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin=X
        reformnews extract ke-hoach-cchc-2024.pdf     # agency, number, signer, outline, text
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


def options_text(options: Any) -> str:
    """A site's registry ``options`` that differ from the global settings, as ``name=value, ...`` ("" when none)."""
    from dataclasses import fields

    given = [(f.name, getattr(options, f.name)) for f in fields(options) if getattr(options, f.name) is not None]
    return ", ".join(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}" for name, value in given)


@click.group(invoke_without_command=True)
@db_option()
@click.pass_context
def sites(ctx: click.Context, db_path: Path) -> None:
    """List the registry's sites with their archived article counts, last crawl and per-site options.

    The options column shows the crawl settings a site's `options = { ... }` replaces for that
    site (empty: the global settings apply).

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
                     (s.get("last_crawl") or "")[:16].replace("T", " "), options_text(site.options)])
    print_table(rows, ["site", "province", "family", "active", "articles", "reform", "newest", "last crawl",
                       "options"])


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
