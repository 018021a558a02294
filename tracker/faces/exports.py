"""``tracker export``: strength as a tidy time series with the evidence of every figure, as
text (CSV, JSON or NDJSON) that loads in pandas as it is; to standard output, or into a file
written beside and renamed into place (never over the store or its views:
``Tracker.writing``), its stamp (log position, chain hash, query) in ``FILE.stamp.json``."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tracker.answers.estimate import Method
from tracker.faces import formats
from tracker.faces.strength_text import ESTIMATE_FIELDS, EVIDENCE

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date
    from pathlib import Path

    from projections import Dimension
    from tracker.app import Tracker


def export_rows(
    tracker: Tracker,
    mission: str,
    start: date,
    end: date,
    every: str = "month",
    by: Sequence[Dimension] = (),
    known_at: date | None = None,
    recorded_at: datetime | str | None = None,
    estimate: bool = False,
    contributors: Sequence[str] = (),
    present_only: bool = False,
) -> tuple[list[dict[str, Any]], list[str], dict[str, Any]]:
    """The rows of ``Tracker.strength_series``, their fields in order, and their stamp;
    with ``estimate``, placed by the estimate from the deployment maps (and saying so); of
    the ``contributors`` only, and with ``present_only`` without the groups at 0 throughout,
    when asked (the stamp's query says so)."""
    dims = list(dict.fromkeys(by))
    rows = tracker.strength_series(
        mission, start, end, every, dims, known_at, recorded_at, estimate=estimate,
        contributors=contributors, present_only=present_only,
    )  # fmt: skip
    view = tracker.strength_view
    query: dict[str, Any] = {
        "command": "export",
        "mission": mission.upper(),
        "on": start.isoformat(),
        "by": dims,
        "known_at": known_at.isoformat() if known_at else None,
        "recorded_at": recorded_at.isoformat()
        if isinstance(recorded_at, datetime)
        else recorded_at,
        "to": end.isoformat(),
        "every": every,
    }
    if contributors:
        query["contributors"] = list(contributors)
    if present_only:
        query["present_only"] = True
    extra: tuple[str, ...] = ()
    if estimate:
        method = Method()
        query["estimate"] = {"method": method.name, "version": method.version}
        extra = ESTIMATE_FIELDS
    stamp = tracker.stamp(view.position(tracker.name), view.name, view.version, query)
    return rows, ["date", *dims, "strength", *EVIDENCE, *extra], stamp


def export_text(
    rows: list[dict[str, Any]],
    fields: list[str],
    fmt: str = "csv",
    stamp: dict[str, Any] | None = None,
) -> str:
    """The rows as ``fmt`` (csv, json, ndjson); ``stamp``: as columns (CSV, NDJSON) or an
    envelope (JSON), when asked for."""
    out = io.StringIO()
    formats.write_records(out, rows, fmt, stamp, fields)
    return out.getvalue()


def write_export(tracker: Tracker, output: Path, text: str, stamp: dict[str, Any]) -> Path:
    """Write ``text`` into ``output`` and the stamp beside it, each written beside and then
    renamed into place (a pipe or a device: written through, with no stamp beside).

    Raises:
        InvalidInputError: ``output`` is the store, one of its views or its projections list.
    """
    with tracker.writing(output, "-o") as partial:
        partial.write_text(text, encoding="utf-8")
    if tracker.writes_through(output):  # a pipe or a device has no "beside"
        return output
    side = output.with_name(formats.sidecar(output.name))
    with tracker.writing(side, "-o") as partial:
        partial.write_text(formats.as_json(stamp) + "\n", encoding="utf-8")
    tracker.remember_stamp(side, stamp)  # an anchor 'tracker verify' holds the log to
    return output
