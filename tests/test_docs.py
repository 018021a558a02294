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


def test_readme_projection_example_replays_the_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import SEEDS
    from tracker import Tracker

    code = README.split("```python\n# by_gender.py\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) < 30
    (tmp_path / "by_gender.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    tracker = Tracker(tmp_path / "tracker.db")
    tracker.load_seeds(SEEDS, missions=["MINUSMA"])
    projection, count = tracker.replay("by_gender:ByGender")
    assert count == tracker.recorder.max_notification_id()
    row = projection.db.execute(
        "SELECT male, female, total FROM by_gender WHERE day = '2013-07-31' AND contributor = 'TCD' "
        "AND personnel_type = 'troops'"
    ).fetchone()
    assert row == (1246, 0, 1246)  # the UN's figure in the seed file, line of Chad, July 2013


def test_generated_docs_are_up_to_date() -> None:
    from tracker.cli import cli
    from tracker.faces.docs import cli_markdown, events_markdown

    docs = Path(__file__).resolve().parent.parent / "docs"
    assert (docs / "events.md").read_text(encoding="utf-8") == events_markdown() + "\n", (
        "run make docs"
    )
    assert (docs / "cli.md").read_text(encoding="utf-8") == cli_markdown(cli) + "\n", (
        "run make docs"
    )


def test_readme_python_example_prints_what_its_comments_say(tmp_path: Path) -> None:
    """The README's session from Python runs as it is, on the shipped seeds, and each output
    its comments show is what it prints (so the README stays true)."""
    import subprocess
    import sys

    code = README.split("the comments are its\noutput):\n\n```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    # the output is a comment of its own line, or beside the print() that prints it
    shown = [
        line.split("# ", 1)[1]
        for line in code.splitlines()
        if line.startswith("# ") or (line.startswith("print(") and "  # " in line)
    ]
    assert shown
    assert shown == printed


def _options(group: click.Group, path: str = "tracker") -> list[tuple[str, click.Option]]:
    found: list[tuple[str, click.Option]] = []
    for name, command in group.commands.items():
        found += [(f"{path} {name}", p) for p in command.params if isinstance(p, click.Option)]
        if isinstance(command, click.Group):
            found += _options(command, f"{path} {name}")
    return found


def test_every_option_says_its_default_once() -> None:
    """'Output format (default: table).  [default: (table)]': a hand-written default beside
    click's own said it twice."""
    twice = []
    for where, option in _options(cli):
        with click.Context(click.Command(where)) as ctx:
            record = option.get_help_record(ctx)
        if record and record[1].lower().count("default") > 1:
            twice.append(f"{where} {record[0]}: {record[1]}")
    assert twice == []


def test_map_help_asks_for_no_by() -> None:
    """The map has no --by: its --estimate must not send the reader to one."""
    (estimate,) = [p for p in cli.commands["map"].params if p.name == "estimate"]
    assert isinstance(estimate, click.Option)
    assert estimate.help
    assert "--by" not in estimate.help
    (charted,) = [p for p in cli.commands["chart"].params if p.name == "estimate"]
    assert isinstance(charted, click.Option)
    assert charted.help
    assert "--by" in charted.help
