"""Helpers the registry tests share."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from archive.cli import main


def sites_check(tmp_path: Path, text: str) -> tuple[int, str]:
    """Write ``text`` as a registry file and run `reformnews sites check` on it: (exit code, output)."""
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["sites", "check", str(path)])
    return result.exit_code, result.output
