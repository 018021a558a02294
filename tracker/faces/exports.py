"""``tracker export``: strength as a tidy time series, as text (CSV, JSON or NDJSON) stamped
with the log position, to standard output or into a file written beside and renamed into
place (never over the store or its views: ``Tracker.writing``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker.faces import render

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date
    from pathlib import Path

    from projections import Dimension
    from tracker.app import Tracker


def export_text(
    tracker: Tracker,
    mission: str,
    start: date,
    end: date,
    every: str = "month",
    by: Sequence[Dimension] = (),
    known_at: date | None = None,
    fmt: str = "csv",
) -> str:
    """The series of ``Tracker.strength_series``, stamped, as ``fmt`` (csv, json, ndjson)."""
    dims = list(dict.fromkeys(by))
    rows = tracker.strength_series(mission, start, end, every, dims, known_at)
    view = tracker.strength_view
    query: dict[str, Any] = {
        "command": "export",
        "mission": mission.upper(),
        "on": start.isoformat(),
        "by": dims,
        "known_at": known_at.isoformat() if known_at else None,
        "recorded_at": None,
        "to": end.isoformat(),
        "every": every,
    }
    stamped = tracker.stamp(view.position(tracker.name), view.name, view.version, query)
    if fmt == "json":
        return render.as_json({"stamp": stamped, "rows": rows}) + "\n"
    if fmt == "ndjson":
        lines = [render.as_json({"stamp": stamped}), *(render.as_json(row) for row in rows)]
        return "".join(line + "\n" for line in lines)
    return f"# stamp: {render.as_json(stamped)}\n" + render.as_csv(
        rows, ["date", *dims, "strength"]
    )


def write_export(tracker: Tracker, output: Path, text: str) -> Path:
    """Write ``text`` (``export_text``'s) into ``output``: beside it, then renamed into place.

    Raises:
        InvalidInputError: ``output`` is the store, one of its views or its projections list.
    """
    with tracker.writing(output, "-o") as partial:
        partial.write_text(text, encoding="utf-8")
    return output
