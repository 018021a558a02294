"""Documentation made from the code: the event catalogue (from the event classes' docstrings
and fields) and the command reference (from every command's help). ``make docs`` writes
``docs/events.md`` and ``docs/cli.md``; a test fails when they are stale."""

from __future__ import annotations

import types
import typing
from pathlib import Path

import click

from tracker.app.kinds import CONTINGENT_KINDS, MISSION_KINDS, SHARED_KINDS

BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic"}


def _type_name(annotation: object) -> str:
    """A field's type as a reader wants it: no validation metadata, Literal as its choices."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args)
    if origin is not None:
        return f"{getattr(origin, '__name__', origin)}[{', '.join(_type_name(a) for a in args)}]"
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))


def _clean(doc: str | None) -> str:
    return " ".join((doc or "").replace("``", "`").split())


def events_markdown() -> str:
    """The event catalogue: every kind a user records, its meaning and its fields."""
    lines = [
        "# Event catalogue",
        "",
        "Generated from the event classes (`make docs`); do not edit by hand. Every claim also",
        "carries `valid` (valid time), `source` (title, url, published_on: knowledge time, quote),",
        "and may carry `corrects` and `reason`; recorded time is the store's.",
        "",
    ]
    kinds: list[tuple[str, type]] = [*MISSION_KINDS.items(), *CONTINGENT_KINDS.items()]
    for kind, (contingent_class, mission_class) in SHARED_KINDS.items():
        kinds += [(f"{kind} (contingent)", contingent_class), (f"{kind} (mission)", mission_class)]
    for kind, event_class in kinds:
        lines += [f"## `{kind}`: {event_class.__qualname__}", "", _clean(event_class.__doc__), ""]
        lines += ["| field | type | required |", "| --- | --- | --- |"]
        fields = typing.cast("dict[str, typing.Any]", event_class.model_fields)  # type: ignore[attr-defined]
        for name, field in fields.items():
            if name not in BASE_FIELDS:
                required = "yes" if field.is_required() else "no"
                kind = _type_name(field.annotation).replace("|", "\\|")  # inside a table
                lines.append(f"| `{name}` | `{kind}` | {required} |")
        lines.append("")
    return "\n".join(lines)


def cli_markdown(cli: click.Group) -> str:
    """Every command's help, as `--help` prints it."""
    lines = ["# Command reference", "", "Generated from the commands' help (`make docs`).", ""]

    def walk(command: click.Command, path: list[str]) -> None:
        # A fixed width: the same text on every terminal (the test compares it).
        with click.Context(
            command, info_name=" ".join(path), terminal_width=100, max_content_width=100
        ) as ctx:
            lines.extend([f"## `{' '.join(path)}`", "", "```", ctx.get_help(), "```", ""])
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], [*path, name])

    walk(cli, ["tracker"])
    return "\n".join(lines)


def write(folder: Path, cli: click.Group) -> list[Path]:
    """Write ``events.md`` and ``cli.md`` (the reference of ``cli``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("events.md", events_markdown()), ("cli.md", cli_markdown(cli))):
        path = folder / name
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written
