"""What every `reformnews` command shares: clean errors, the --db option, registry and table helpers."""

from __future__ import annotations

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


def snapshot_option() -> Any:
    """The shared ``--snapshot DIR`` option of the commands that fetch (offline web instead of the network)."""
    return click.option("--snapshot", "snapshot_dir", type=click.Path(file_okay=False, path_type=Path),
                        help="Answer requests from this offline snapshot instead of the network.")


def log_file_option() -> Any:
    """The shared ``--log-file PATH`` option of the commands that run Scrapy."""
    return click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), envvar="REFORMNEWS_LOG_FILE",
                        help="Rotating crawl log. Default: logs/crawl.log beside the archive.")


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
