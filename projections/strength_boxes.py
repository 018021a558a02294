"""The strength view's R*Tree: each row's box on (mission, valid, known, recorded), the SQL
and the Python that compute it, the triggers that keep the boxes of rows written one by one,
and the grouped boxes of a rebuild (up to BOX_ROWS rows of one contingent in a box, issue 25)."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from projections.strength_tables import INTERVAL_COLUMNS

OPEN = 2**31 - 1  # an open end in the R*Tree
_DAY = "CAST(julianday({}) AS INTEGER)"
# Recorded times as minutes since 2000: 32 bits hold 4,000 years of them (seconds ran out on
# 2068-01-19, and every date to 2099-12-31 is accepted: issue 15).
_MINUTE = "((CAST(strftime('%s', substr({}, 1, 19)) AS INTEGER) - 946684800) / 60)"
_JULIAN_OFFSET = 1721424  # julianday(D) truncated = D.toordinal() + this


def box_parts(row: str) -> list[str]:
    """The six time coordinates of a row's box (v0, v1, k0, k1, r0, r1), as SQL over
    ``row`` (NEW, or an alias)."""
    return [
        _DAY.format(row + ".valid_from"),
        f"COALESCE({_DAY.format(row + '.valid_to')}, {OPEN})",
        _DAY.format(row + ".known_from"),
        f"COALESCE({_DAY.format(row + '.known_to')}, {OPEN})",
        _MINUTE.format(row + ".recorded_from"),
        f"COALESCE({_MINUTE.format(row + '.recorded_to')} + 1, {OPEN})",
    ]


def box_values(row: str) -> str:
    """``box_parts`` as one list of SQL values."""
    return ", ".join(box_parts(row))


def box_filter(
    mission_id: int, on: date, known_at: date | None, recorded_at: str | None
) -> tuple[str, list[int]]:
    """The R*Tree condition for rows in force on ``on`` as known at ``known_at`` and recorded
    by ``recorded_at`` (None: now), and its values. A superset: exact conditions follow."""
    day = on.toordinal() + _JULIAN_OFFSET
    sql = "m0 <= ? AND m1 > ? AND v0 <= ? AND v1 > ?"
    values = [mission_id, mission_id, day, day]
    if known_at is None:
        sql += " AND k1 >= ?"
        values.append(OPEN)
    else:
        known = known_at.toordinal() + _JULIAN_OFFSET
        sql += " AND k0 <= ? AND k1 > ?"
        values += [known, known]
    if recorded_at is None:
        sql += " AND r1 >= ?"
        values.append(OPEN)
    else:
        moment = datetime.fromisoformat(recorded_at.rstrip("~")[:19])
        minute = int((moment - datetime(2000, 1, 1)).total_seconds()) // 60
        sql += " AND r0 <= ? AND r1 >= ?"
        values += [minute + 1, minute - 1]
    return sql, values


def create_boxes(db: Any) -> None:
    """Make the R*Tree of the rows' boxes and its triggers (if not there yet)."""
    # The rows' boxes on (mission, valid, known, recorded) in an R*Tree, kept by triggers:
    # "in force on D as known at K and recorded by T" is then a search of the boxes that
    # contain the point, not a scan of every row that began before D. Integers: days as
    # Julian day numbers, recorded times as minutes since 2000 (a coarse filter: the exact
    # conditions are applied to what it finds); an open end is the largest int32. A mission
    # is the span [id, id + 1): with no width, every box had no volume, so the tree could not
    # tell where a box grows least and its nodes mixed rows of every time (6x the search).
    # A box holds the rows whose rowids run from ``id`` to ``hi``: one row (kept by the
    # triggers), or a group of up to BOX_ROWS rows of one contingent written together by a
    # rebuild (``grouped_boxes``: an R*Tree takes rows one at a time, at 12 us each, and a
    # rebuild of the UN's record wrote 300,000 of them, issue 25).
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS _strength_box USING rtree_i32("
        "id, m0, m1, v0, v1, k0, k1, r0, r1, +hi)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS _strength_mission (id INTEGER PRIMARY KEY, mission TEXT UNIQUE)"
    )
    box_triggers(db)


def box_triggers(db: Any) -> None:
    """The triggers that keep the boxes of the rows written one by one in the R*Tree. A row
    of a group's box (``group_boxes``) keeps it: a row is only ever changed by the end of its
    recorded range, which shrinks its box, so the group's box still holds it; and a
    contingent's rows are deleted all together, the group's first with them."""
    box = (
        "(SELECT id FROM _strength_mission WHERE mission = NEW.mission), "
        "(SELECT id + 1 FROM _strength_mission WHERE mission = NEW.mission), "
        f"{box_values('NEW')}"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS _strength_box_insert AFTER INSERT ON strength_intervals "
        "BEGIN INSERT OR IGNORE INTO _strength_mission (mission) VALUES (NEW.mission); "
        f"INSERT INTO _strength_box VALUES (NEW.rowid, {box}, NEW.rowid); END"
    )
    coordinates = ", ".join(
        f"{name} = {value}"
        for name, value in zip(("v0", "v1", "k0", "k1", "r0", "r1"), box_parts("NEW"), strict=True)
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS _strength_box_update AFTER UPDATE ON strength_intervals "
        f"BEGIN UPDATE _strength_box SET {coordinates} "
        "WHERE id = NEW.rowid AND hi = NEW.rowid; END"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS _strength_box_delete AFTER DELETE ON strength_intervals "
        "BEGIN DELETE FROM _strength_box WHERE id = OLD.rowid; END"
    )


BOX_ROWS = 8  # rows of one contingent in a box, at most, when a rebuild makes the boxes


def box_of(row: list[Any]) -> tuple[int, int, int, int, int, int]:
    """The six time coordinates of a row (INTERVAL_COLUMNS) as ``box_parts`` computes them."""
    (valid_from, valid_to, known_from, known_to, recorded_from, recorded_to) = (
        row[i] for i in _BOX_COLUMNS
    )
    return (
        _day(valid_from),
        OPEN if valid_to is None else _day(valid_to),
        _day(known_from),
        OPEN if known_to is None else _day(known_to),
        _minute(recorded_from),
        OPEN if recorded_to is None else _minute(recorded_to) + 1,
    )


_BOX_COLUMNS = tuple(
    INTERVAL_COLUMNS.index(c)
    for c in ("valid_from", "valid_to", "known_from", "known_to", "recorded_from", "recorded_to")
)


@lru_cache(maxsize=1 << 16)
def _day(text: str) -> int:
    return date.fromisoformat(text).toordinal() + _JULIAN_OFFSET


@lru_cache(maxsize=1 << 12)
def _minute(text: str) -> int:
    """A recorded time's minute since 2000 (as ``_MINUTE``: its first 19 characters, UTC)."""
    return (calendar.timegm(datetime.fromisoformat(text[:19]).timetuple()) - 946684800) // 60


def grouped_boxes(
    rows: list[list[Any]], first_rowid: int
) -> list[tuple[str, int, int, int, int, int, int, int, int]]:
    """The boxes of a contingent's rows as a rebuild writes them (from rowid
    ``first_rowid`` on, each kind of row in valid-time order): one box for up to BOX_ROWS
    consecutive rows of one kind (open or closed on each axis: an open row among closed
    ones would stretch their box to every later date). Each: (mission, v0, v1, k0, k1, r0,
    r1, first rowid, last rowid); they cover disjoint ranges of rowids, so no row is counted
    twice."""
    boxes = []
    start = 0
    while start < len(rows):
        kind = _ends(rows[start])
        end = start + 1
        while end < len(rows) and end - start < BOX_ROWS and _ends(rows[end]) == kind:
            end += 1
        corners = [box_of(row) for row in rows[start:end]]
        boxes.append(
            (
                rows[start][0],  # mission
                min(c[0] for c in corners),
                max(c[1] for c in corners),
                min(c[2] for c in corners),
                max(c[3] for c in corners),
                min(c[4] for c in corners),
                max(c[5] for c in corners),
                first_rowid + start,
                first_rowid + end - 1,
            )
        )
        start = end
    return boxes


_END_COLUMNS = tuple(INTERVAL_COLUMNS.index(c) for c in ("valid_to", "known_to", "recorded_to"))


def _ends(row: list[Any]) -> tuple[bool, bool, bool]:
    return tuple(row[i] is None for i in _END_COLUMNS)  # type: ignore[return-value]
