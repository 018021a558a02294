"""Options and helpers every command shares: dates, formats, groupings, time axes,
stamps, sources, progress bars."""

from __future__ import annotations

import functools
import io
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from events.values import EARLIEST, LATEST
from projections import DIMENSIONS
from projections.engine import Progress
from tracker.faces import formats
from tracker.faces.formats import FORMATS


def contributor_option(f: Any) -> Any:
    return click.option("--contributor", help="Only this contributor (ISO 3166 alpha-3 or name).")(
        f
    )


def asked(
    command: str,
    mission: str,
    on: datetime,
    by: tuple[str, ...],
    known: date | None,
    recorded_at: str | None,
) -> dict[str, Any]:
    """The query, as a stamp records it."""
    return {
        "command": command,
        "mission": mission,
        "on": on.date().isoformat(),
        "by": list(by),
        "known_at": known.isoformat() if known else None,
        "recorded_at": recorded_at,
    }


def emit(
    records: list[dict[str, Any]],
    fmt: str,
    stamp: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> None:
    """Print plain records as CSV, JSON (one array; with a stamp, {"stamp": ..., "rows":
    [...]}) or NDJSON; in CSV and NDJSON a stamp is columns of every row, so the output loads
    as it is (``pandas.read_csv``, ``read_json(lines=True)``)."""
    out = io.StringIO()
    formats.write_records(out, records, fmt, stamp, fields)
    click.echo(out.getvalue(), nl=False)


class Day(click.ParamType):  # type: ignore[type-arg]
    """A day, YYYY-MM-DD, within the dates the tracker holds (1945 to 2099): 0025-01-01 or
    2023-02-30 are errors, not empty answers. Given as a datetime, as click.DateTime does."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            parsed = datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            self.fail(f"{text[:40]!r} is not a date: give YYYY-MM-DD (a real day)", param, ctx)
        if not EARLIEST <= parsed.date() <= LATEST:
            self.fail(f"{text!r}: give a date from {EARLIEST} to {LATEST}", param, ctx)
        return parsed


DAY = Day()


def from_to(f: Any) -> Any:
    """--from and --to: the first and last dates of a series."""
    day = DAY
    f = click.option("--to", "end", required=True, type=day, help="Last date.")(f)
    return click.option("--from", "start", required=True, type=day, help="First date.")(f)


def on_option(f: Any) -> Any:
    return click.option(
        "--on",
        "on",
        required=True,
        type=DAY,
        help="The date (valid time), YYYY-MM-DD.",
    )(f)


def format_option(f: Any, default: str = "table", choices: tuple[str, ...] = FORMATS) -> Any:
    """--format table|csv|json|ndjson, with sqlite-utils' short forms --csv, --json, --nl."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        shorts = [name for name in ("csv", "json", "nl") if kwargs.pop(f"as_{name}")]
        if len(shorts) > 1 or (shorts and kwargs["fmt"] != default):
            raise click.UsageError("give one output format: --format, --csv, --json or --nl")
        kwargs["fmt"] = {"nl": "ndjson"}.get(shorts[0], shorts[0]) if shorts else kwargs["fmt"]
        return f(*args, **kwargs)

    for name, what in (("nl", "NDJSON (one object a line)"), ("json", "JSON"), ("csv", "CSV")):
        if ("ndjson" if name == "nl" else name) in choices:
            wrapper = click.option(
                f"--{name}", f"as_{name}", is_flag=True, help=f"Short for --format {what}."
            )(wrapper)
        else:  # keep the parameter the wrapper pops
            wrapper = click.option(f"--{name}", f"as_{name}", is_flag=True, hidden=True)(wrapper)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )(wrapper)


def format_option_csv(f: Any) -> Any:
    """--format as ``format_option``, CSV by default (an export's)."""
    return format_option(f, default="csv")


def by_option(f: Any) -> Any:
    return click.option(
        "--by",
        multiple=True,
        type=click.Choice([d.replace("_", "-") for d in DIMENSIONS]),
        help="Group by this; repeat to group by several.",
    )(f)


def contributors_option(f: Any) -> Any:
    """--contributor C, repeatable: only those contributors (strength, export)."""
    return click.option(
        "--contributor",
        "contributors",
        multiple=True,
        help="Only this contributor (ISO 3166 alpha-3 or name); repeat for several (summed "
        "unless --by contributor).",
    )(f)


def estimate_option(f: Any) -> Any:
    """--estimate: the places of the estimate from the deployment maps (issue 18), for an
    answer in rows (strength, export)."""
    return _estimate(f, "; with --by location or region. Rows say they are estimated.")


def chart_estimate_option(f: Any) -> Any:
    """--estimate for a chart: by location or region, said in its title and caption."""
    return _estimate(f, "; with --by location or region. The title and the caption say so.")


def map_estimate_option(f: Any) -> Any:
    """--estimate for a map, which is always by region: said in its title and caption."""
    return _estimate(f, ". The title and the caption say so.")


def _estimate(f: Any, how: str) -> Any:
    return click.option(
        "--estimate",
        is_flag=True,
        help="Place what no source locates by the estimate from the UN's deployment maps "
        "(Geo-PKO): each contributor's troops and staff officers spread over its units' places "
        f"that year, by their coded sizes{how}",
    )(f)


def time_axes(f: Any) -> Any:
    """--known-at and --recorded-at: the knowledge and recorded time axes."""
    f = click.option(
        "--recorded-at",
        help="What this store said at that time (ISO date or date and time; a date means the "
        "end of that day, UTC).",
    )(f)
    return click.option(
        "--known-at",
        type=DAY,
        help="Only what had been published by that day (sources' publication dates).",
    )(f)


def stamp_option(f: Any) -> Any:
    return click.option(
        "--stamp",
        is_flag=True,
        help="With json, csv or ndjson: add the log position, the hash chain's link there and "
        'the view\'s version (json: an object {"stamp": ..., "rows": [...]} whose stamp also '
        "names the projection and the query; csv and ndjson: log_position, chain_hash and "
        "view_version columns in every row), so the figures can be derived again exactly and "
        "the history behind them checked ('tracker verify --expect').",
    )(f)


SHOW_AFTER = 2.0  # seconds: work this short finishes before a bar would be worth drawing


def show_after() -> float:
    """Seconds before a bar is drawn: ``TRACKER_PROGRESS_AFTER`` (default 2)."""
    try:
        return max(float(os.environ.get("TRACKER_PROGRESS_AFTER", SHOW_AFTER)), 0.0)
    except ValueError:
        return SHOW_AFTER


@contextmanager
def progress_bar(label: str, unit: str = "events") -> Iterator[Progress | None]:
    """A bar with ``unit`` per second on a terminal, drawn once the work has taken 2 s
    (``show_after``: a quick command prints nothing extra); nothing at all when not on a
    terminal (a pipe or a file gets only the command's output)."""
    if not sys.stderr.isatty():
        yield None
        return
    after = show_after()
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    bar = RichProgress(*columns, console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=None, rate="")
    start = time.monotonic()
    shown = False

    def update(done: int, total: int) -> None:
        nonlocal shown
        took = time.monotonic() - start
        if not shown and took >= after:
            bar.start()
            shown = True
        bar.update(task, completed=done, total=total, rate=rate(done, took, unit))

    try:
        yield update
    finally:
        if shown:
            bar.stop()


@contextmanager
def timer() -> Iterator[Callable[[], float]]:
    start = time.monotonic()
    end: list[float] = []
    yield lambda: (end[0] if end else time.monotonic()) - start
    end.append(time.monotonic())


def rate(count: int, seconds: float, unit: str = "events") -> str:
    per_second = count / max(seconds, 1e-6)
    return f"{per_second:,.1f} {unit}/s" if per_second < 10 else f"{per_second:,.0f} {unit}/s"


def source_options(f: Any) -> Any:
    for name, text in reversed(
        [
            ("--source-title", "Source: title or publisher."),
            ("--source-url", "Source: web address."),
            (
                "--published-on",
                "Source: publication date (knowledge time): YYYY-MM-DD, YYYY-MM or YYYY.",
            ),
            ("--quote", "Source: a short quote or note."),
        ]
    ):
        f = click.option(name, help=text)(f)
    return f


def source_of(options: dict[str, Any]) -> dict[str, Any] | None:
    """The --source-* options as a source, or None when none was given."""
    if not (options.get("source_title") or options.get("published_on")):
        return None
    if not options.get("source_title"):
        raise click.UsageError(
            "--published-on names a new source: give its --source-title too (a correction or "
            "retraction given no --source option keeps the original's source)"
        )
    return {
        "title": options.get("source_title"),
        "url": options.get("source_url"),
        "published_on": options.get("published_on"),
        "quote": options.get("quote"),
    }
