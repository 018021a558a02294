"""Every command has help and is in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from tracker.cli import cli, record

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)
KINDS = sorted(record.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_and_is_in_readme(name: str) -> None:
    command = cli.commands[name]
    assert command.help
    assert f"tracker {name}" in README


@pytest.mark.parametrize("kind", KINDS)
def test_record_kind_has_help_and_is_in_readme(kind: str) -> None:
    command = record.commands[kind]
    assert command.help
    assert f"`{kind}`" in README
    assert all(p.help for p in command.params if isinstance(p, click.Option))


def test_readme_gives_the_two_commands_first() -> None:
    first_section = README.split("## ")[1]
    assert first_section.startswith("Two commands")
    assert "make demo" in first_section
    assert "make test" in first_section
