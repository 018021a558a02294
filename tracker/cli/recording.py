"""Writing: import, seed, retract, correct, and one record command per kind of event
(its options are the event's own fields)."""

from __future__ import annotations

import sys
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

import click

from events.values import EARLIEST, LATEST, ValidDate
from tracker.app.kinds import CONTINGENT_KINDS, MISSION_KINDS, SHARED_KINDS
from tracker.cli.base import UserError, cli, open_tracker
from tracker.cli.options import progress_bar, source_of, source_options
from tracker.importers import jsonl

FIELD_HELP = {
    "valid": "When it happened or takes effect (valid time)",
    "corrects": "Id of an earlier event of the same kind that this one corrects",
    "reason": "Why (required with --corrects)",
    "count": "Number of personnel",
    "strength": "Reported level (leave out: present, figure not published)",
    "personnel_type": "UN personnel type (leave out when the source gives a total)",
    "location": "Location (aliases accepted: Timbuktu, Menaka)",
    "to_location": "Destination location",
    "approximate": "The source rounded the figure ('about 1,100')",
    "inferred": "Inferred from the source rather than stated by it",
    "authoritative": "The series of record (the UN's month-end figure): it takes over from "
    "the figures and changes before it; one dated on its day is a claim shown beside it, not "
    "counted; one dated after it counts, as not the UN's, until the next report of record",
    "target": "Target date (by when, or from when)",
    "full": "The whole contingent",
    "increase": "A reinforcement of a contingent already there",
    "kind": "Kind of incident",
    "description": "What happened",
    "killed": "Number killed",
    "injured": "Number injured",
    "detained": "Number detained",
    "resolution": "Security Council resolution number",
    "ceilings": "Authorised ceiling",
    "until": "End of the mandate period",
    "withdrawal_by": "Date by which the withdrawal is to be done",
    "name": "Full name of the mission",
    "host": "Host country: ISO 3166 alpha-3 code or name",
    "retracts": "Id of the event withdrawn from the record",
}
BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic"}
SOURCE_OPTIONS = ("source_title", "source_url", "published_on", "quote")


class Month(click.ParamType):  # type: ignore[type-arg]
    """A month, YYYY-MM (a day of it is accepted too): the month a report is of."""

    name = "YYYY-MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            day = date.fromisoformat(text if len(text) > 7 else f"{text}-01")
        except ValueError:
            self.fail(f"{text[:40]!r} is not a month: give YYYY-MM", param, ctx)
        if not EARLIEST <= day <= LATEST:
            self.fail(f"{text!r}: give a month from {EARLIEST:%Y-%m} to {LATEST:%Y-%m}", param, ctx)
        if (day.year, day.month) >= (date.today().year, date.today().month):
            self.fail(
                f"{text!r}: that month has not ended; give the month the report is of", param, ctx
            )
        return day


@cli.command(name="import")
@click.argument(
    "files", metavar="FILE...", nargs=-1, required=True, type=click.Path(dir_okay=False)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "un-monthly", "un-pdf"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one event object per line, with a 'type' field. un-monthly: the UN's "
    "monthly contributions by mission, country and personnel type (IPI's CSV form). un-pdf: "
    "the UN's monthly contribution reports as published (PDF), every mission.",
)
@click.option("--source-url", help="un-monthly, un-pdf: the address the files were published at.")
@click.option(
    "--date",
    "on",
    type=Month(),
    help="un-pdf: the month of a report that prints no date (among several files: of the one "
    "that prints none; the others keep their printed dates).",
)
@click.pass_context
def import_(
    ctx: click.Context, files: tuple[str, ...], fmt: str, source_url: str | None, on: date | None
) -> None:
    """Import FILE(s), all or nothing: a bad line (or page) is named and nothing is written.
    Importing the same UN figures again adds nothing."""
    if on is not None and fmt != "un-pdf":
        raise UserError("--date is for a report of --format un-pdf that prints no date")
    tracker = open_tracker(ctx, create=True)
    if fmt == "un-pdf":
        with progress_bar("reading and recording the UN's reports", "files") as progress:
            report = tracker.import_un_pdfs(files, on, progress, source_url=source_url)
        for line in report.lines():
            click.echo(line)
        return
    for name in files:
        data = read_file(name, bounded=fmt == "jsonl")
        if fmt == "un-monthly":
            with progress_bar(f"importing {Path(name).name}", "rows") as progress:
                done = tracker.import_un_monthly(data, name, source_url, progress)
            for line in done.lines(limit=10):
                click.echo(line)
            continue
        with progress_bar(f"importing {Path(name).name}") as progress:
            result = tracker.import_jsonl(data, name, progress)
        kinds = "".join(
            f"{', ' if i else ': '}{n} {k}" for i, (k, n) in enumerate(sorted(result.kinds.items()))
        )
        skipped = (
            f"; {result.skipped} events already in the store, skipped" if result.skipped else ""
        )
        click.echo(f"Imported {result.count} events from {name}{kinds}{skipped}")


def read_file(name: str, *, bounded: bool = False) -> bytes:
    """A file's bytes (``-``: standard input); ``bounded``: JSON Lines, read in chunks and
    refused at the first line too long for an event, before the rest is held."""
    if name == "-":
        if bounded:
            return jsonl.read_bounded(sys.stdin.buffer, name)
        data: bytes = sys.stdin.buffer.read()
        return data
    try:
        if bounded:
            with Path(name).open("rb") as stream:
                return jsonl.read_bounded(stream, name)
        return Path(name).read_bytes()
    except OSError as error:
        raise UserError(
            f"{name}: cannot be read ({error.strerror or error}) - check the path"
        ) from None


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True))
@click.option(
    "--mission",
    "missions",
    multiple=True,
    help="Only this mission's seeds (its acronym, such as MINUSMA); repeat for several.",
)
@click.pass_context
def seed(ctx: click.Context, directory: str | None, missions: tuple[str, ...]) -> None:
    """Load the seed files listed in DIRECTORY/seeds.toml, in order, all or nothing (default:
    the seeds that come with the tracker: the UN's monthly figures of every mission,
    2009-2024, each mission's establishment and end, and MINUSMA's mandates, announcements
    and changes 2021-2023 and Geo-PKO's presence estimates)."""
    tracker = open_tracker(ctx, create=True)
    with progress_bar("loading the seeds") as progress:
        report = tracker.load_seeds(directory, progress, missions or None)
    for line in report:
        click.echo(f"Loaded {line}")


@cli.command()
@click.argument("event_id")
@click.option("--reason", required=True, help="Why the event was wrong.")
@source_options
@click.pass_context
def retract(ctx: click.Context, /, event_id: str, reason: str, **source: Any) -> None:
    """Withdraw EVENT_ID from the record (it was wrong): nothing is deleted; every view stops
    counting it from the retraction's own time on."""
    recorded = open_tracker(ctx, create=True).retract_event(event_id, reason, source_of(source))
    click.echo(f"Recorded {recorded.event_id} ({recorded.kind}): retracts {event_id.upper()}")


@cli.command()
@click.argument("event_id")
@click.option("--reason", required=True, help="Why the event was wrong.")
@click.option(
    "--set",
    "changes",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A corrected field, such as strength=300 or valid=2022-11; repeat for several.",
)
@source_options
@click.pass_context
def correct(
    ctx: click.Context, /, event_id: str, reason: str, changes: tuple[str, ...], **source: Any
) -> None:
    """Record a correction of EVENT_ID: the same event with the fields given by --set, naming
    the one it replaces (the source is the original's unless given)."""
    fields: dict[str, Any] = {}
    for change in changes:
        name, sep, value = change.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--set {change!r}: write FIELD=VALUE, such as strength=300")
        fields[name.strip().replace("-", "_")] = None if value == "" else value
    tracker = open_tracker(ctx, create=True)
    recorded = tracker.correct_event(event_id, reason, fields, source_of(source))
    click.echo(f"Recorded {recorded.event_id} ({recorded.kind}): corrects {event_id.upper()}")


@cli.group()
def record() -> None:
    """Record one event. Each kind has its own fields; every claim needs a source."""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None``, and whether None was allowed."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _option_for(name: str, field: Any) -> click.Option:
    annotation, optional = _unwrap(field.annotation)
    flag = "--" + name.replace("_", "-")
    required = field.is_required() and not optional
    if annotation is bool:
        return click.Option([flag], is_flag=True, default=None, help=FIELD_HELP.get(name))
    if typing.get_origin(annotation) is dict:
        return click.Option(
            [flag.removesuffix("s"), name],
            multiple=True,
            metavar="CATEGORY=N",
            help=f"{FIELD_HELP.get(name, name)}, as CATEGORY=N; repeat for several.",
        )
    if typing.get_origin(annotation) is typing.Literal:
        kind: click.ParamType[Any] = click.Choice(typing.get_args(annotation))
    elif annotation is int:
        kind = click.INT
    else:
        kind = click.STRING
    hint = ": YYYY-MM-DD, YYYY-MM or YYYY" if annotation is ValidDate else ""
    return click.Option(
        [flag], type=kind, required=required, help=f"{FIELD_HELP.get(name, name)}{hint}."
    )


def _pairs(name: str, values: tuple[str, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for value in values:
        key, sep, number = value.partition("=")
        if not sep or not number.strip().isdigit():
            raise UserError(
                f"--{name.removesuffix('s')} {value!r}: write CATEGORY=N, such as military=13289"
            )
        found[key.strip()] = int(number)
    return found


def _make_record_command(kind: str, event_class: type[Any], contributor: str) -> click.Command:
    """A ``tracker record KIND`` command whose options are the event's own fields."""
    fields = {
        n: f
        for n, f in event_class.model_fields.items()
        if n not in BASE_FIELDS | {"mission", "contributor", "source"}
    }
    params: list[click.Parameter] = [
        click.Option(["--mission"], required=True, help="Mission acronym, such as MINUSMA."),
    ]
    if contributor != "none":
        params.append(
            click.Option(
                ["--contributor"],
                required=contributor == "required",
                help="Contributing country: ISO 3166 alpha-3 code or name."
                + (
                    " Leave out for an event of the whole mission."
                    if contributor == "optional"
                    else ""
                ),
            )
        )
    params += [_option_for(name, field) for name, field in fields.items()]
    source_required = (
        "source" in event_class.model_fields and event_class.model_fields["source"].is_required()
    )
    params += [
        click.Option(
            ["--source-title"], required=source_required, help="Source: title or publisher."
        ),
        click.Option(["--source-url"], help="Source: web address."),
        click.Option(
            ["--published-on"],
            required=source_required,
            help="Source: publication date (knowledge time).",
        ),
        click.Option(["--quote"], help="Source: a short quote or note."),
    ]

    @click.pass_context
    def callback(ctx: click.Context, /, **options: Any) -> None:
        values = {k: v for k, v in options.items() if v is not None and k not in SOURCE_OPTIONS}
        for name, field in fields.items():
            if typing.get_origin(_unwrap(field.annotation)[0]) is dict:
                values[name] = _pairs(name, options[name])
        if options["source_title"] or options["published_on"]:
            values["source"] = {
                "title": options["source_title"],
                "url": options["source_url"],
                "published_on": options["published_on"],
                "quote": options["quote"],
            }
        recorded = open_tracker(ctx.find_root(), create=True).record(kind, values)
        click.echo(f"Recorded {recorded.event_id} ({recorded.kind})")

    doc = " ".join((event_class.__doc__ or "").replace("``", "'").split())
    return click.Command(kind, params=params, callback=callback, help=doc)


for _kind, _mission_class in MISSION_KINDS.items():
    record.add_command(_make_record_command(_kind, _mission_class, "none"))
for _kind, _contingent_class in CONTINGENT_KINDS.items():
    record.add_command(_make_record_command(_kind, _contingent_class, "required"))
for _kind, (_contingent_class, _) in SHARED_KINDS.items():
    record.add_command(_make_record_command(_kind, _contingent_class, "optional"))
