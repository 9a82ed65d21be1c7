"""The README stays true: it names every CLI command and the two entry commands come first."""

from __future__ import annotations

from pathlib import Path

from archive.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_appears_in_the_readme():
    missing = [name for name in main.commands if f"reformnews {name}" not in README]
    assert missing == []


def test_the_readme_opens_with_the_demo_and_test_commands():
    first_block = README.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
