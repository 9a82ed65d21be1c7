"""Serve an archive with Datasette: read-only, our metadata and templates, bound to localhost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
METADATA_PATH = HERE / "metadata.yml"
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
PLUGINS = ("datasette_filters", "datasette_home", "datasette_article", "datasette_csp", "datasette_attachments",
           "datasette_search", "datasette_images", "datasette_stories")
SQL_TIME_LIMIT_MS = 3000
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001


def load_metadata(db_name: str, db_path: Path | str | None = None) -> dict[str, Any]:
    """The Datasette metadata with its database section keyed by ``db_name`` (the file's stem).

    Given ``db_path``, facets and canned queries this archive cannot run yet (a table or column
    that a later migration adds, e.g. ``articles.story_id``) are left out instead of failing.
    """
    metadata = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if "archive" in databases and db_name != "archive":
        databases[db_name] = databases.pop("archive")
    if db_path is not None and db_name in databases:
        from archive.schema_guard import prune_metadata

        prune_metadata(databases[db_name], Path(db_path))
    return metadata


def settings() -> dict[str, Any]:
    """Datasette settings for a public archive."""
    # No suggested facets: on a big archive they cost a query per column on every table page,
    # and the useful facets are configured in metadata.yml.
    return {"sql_time_limit_ms": SQL_TIME_LIMIT_MS, "default_page_size": 50, "max_returned_rows": 1000,
            "suggest_facets": False, "facet_time_limit_ms": 500}


def _register_plugins() -> None:
    """Register the archive's plugin modules (also when the package's entry points are not installed)."""
    import importlib

    from datasette.plugins import pm

    for name in PLUGINS:
        module = importlib.import_module(f"archive.{name}")
        if not pm.is_registered(module) and pm.get_plugin(f"reformnews_{name[10:]}") is None:
            pm.register(module, name=f"reformnews_{name[10:]}")


def datasette_app(db_path: Path | str, *, immutable: bool = False) -> Any:
    """A Datasette instance for the archive at ``db_path`` (opened read-only, or immutable)."""
    from datasette.app import Datasette

    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"no archive at {path} (run `reformnews crawl` or `reformnews demo` first)")
    _checkpoint(path)
    _register_plugins()
    files = [] if immutable else [str(path)]
    ds = Datasette(
        files,
        immutables=[str(path)] if immutable else [],
        metadata=load_metadata(path.stem, path),
        template_dir=str(TEMPLATES_DIR),
        static_mounts=[("static", str(STATIC_DIR))],
        settings=settings(),
    )
    _read_only(ds.get_database(path.stem))
    return ds


def _read_only(database: Any) -> None:
    """Open even Datasette's write connection with ``mode=ro``: no plugin or bug can change the archive."""
    connect = database.connect

    def connect_read_only(write: bool = False) -> Any:
        return connect(write=False)

    database.connect = connect_read_only


def _checkpoint(path: Path) -> None:
    """Fold a leftover write-ahead log into the file (an immutable open would not see it)."""
    import sqlite3

    try:
        with sqlite3.connect(path, timeout=2) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass  # read-only file or a writer busy: Datasette's read-only mode still reads the WAL


def datasette_command(db_path: Path | str, metadata_file: Path | str, *, host: str = DEFAULT_HOST,
                      port: int = DEFAULT_PORT, immutable: bool = False) -> list[str]:
    """The equivalent `datasette serve` argument list (``metadata_file`` from :func:`load_metadata`)."""
    return [
        "datasette", "serve", *(["-i"] if immutable else []), str(db_path),
        "--metadata", str(metadata_file), "--template-dir", str(TEMPLATES_DIR),
        "--static", f"static:{STATIC_DIR}",
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS), "--setting", "suggest_facets", "off",
        "-h", host, "-p", str(port),
    ]


def serve(db_path: Path | str, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          immutable: bool = False) -> None:
    """Serve the archive until interrupted."""
    import uvicorn

    app = datasette_app(db_path, immutable=immutable)
    uvicorn.run(app.app(), host=host, port=port, log_level="warning", lifespan="on")
